package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/client"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
	"github.com/kontrak/kontrak/specimen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kontrak-load:", err)
		os.Exit(1)
	}
}

type options struct {
	serve    string // the kontrak binary
	prism    string // the prism binary
	vendors  []string
	conns    []int
	rounds   int
	duration time.Duration
}

func run(args []string) error {
	fs := flag.NewFlagSet("kontrak-load", flag.ContinueOnError)
	serveBin := fs.String("kontrak", "", "the kontrak binary to run as `kontrak serve` (required)")
	prismBin := fs.String("prism", ".tools/node_modules/.bin/prism", "the prism binary (@stoplight/prism-cli)")
	vendors := fs.String("vendors", "", "the vendors to measure, comma-separated (default: every vendor)")
	conns := fs.String("conns", "8,32", "the numbers of concurrent connections, comma-separated")
	rounds := fs.Int("rounds", 3, "rounds of each measurement (medians are reported)")
	duration := fs.Duration("duration", 10*time.Second, "how long each server is loaded in a round")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serveBin == "" {
		return errors.New("--kontrak: the kontrak binary is required (make loadtest builds one)")
	}
	o := options{serve: *serveBin, prism: *prismBin, rounds: *rounds, duration: *duration}
	for _, s := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--conns %q: want positive numbers, comma-separated", *conns)
		}
		o.conns = append(o.conns, n)
	}
	if *vendors != "" {
		o.vendors = strings.Split(*vendors, ",")
	}
	if o.rounds < 1 || o.duration <= 0 {
		return errors.New("--rounds and --duration must be positive")
	}
	return loadTest(o)
}

func loadTest(o options) error {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		return err
	}
	root, err := scenario.Root()
	if err != nil {
		return err
	}
	vendors := c.Vendors()
	if o.vendors != nil {
		vendors = nil
		for _, id := range o.vendors {
			v := c.Vendor(strings.TrimSpace(id))
			if v == nil {
				return fmt.Errorf("--vendors: no vendor %q (have %s)", id, strings.Join(c.VendorIDs(), ", "))
			}
			vendors = append(vendors, v)
		}
	}
	// Synthetic test credentials: serve accepts exactly these, Prism any value.
	creds := map[string]string{}
	env := os.Environ()
	for _, v := range c.Vendors() {
		for _, name := range append(v.CredentialVars(), v.CallbackCredentialVars()...) {
			if _, ok := creds[name]; !ok && name != "" {
				creds[name] = "kontrak-load-" + strings.ToLower(name)
				env = append(env, name+"="+creds[name])
			}
		}
	}
	img, err := specimen.Render(specimen.NewIdentity("kontrak-load"), specimen.Clean, specimen.JPEG, 960, 600)
	if err != nil {
		return err
	}
	fmt.Printf("image: synthetic JPEG, %d bytes; %d round(s) of %s a server, connections %v\n", len(img), o.rounds, o.duration, o.conns)

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	serve, err := startProc(root, env, "serve", o.serve, "serve", "--addr", addr, "--log", "off")
	if err != nil {
		return err
	}
	defer serve.stop()
	serveURL := "http://" + addr
	if err := waitUp(serveURL, serve); err != nil {
		return err
	}

	var rows []row
	for _, v := range vendors {
		op := imageOperation(v)
		if op == nil {
			fmt.Printf("%s: no POST operation carries x-kontrak-image: skipped\n", v.ID)
			continue
		}
		build := func() (*captured, error) { return capture(v, op, serveURL, creds, img) }
		req, err := build()
		if err != nil {
			fmt.Printf("%s %s: serve: %v: skipped\n", v.ID, op.ID, err)
			continue
		}
		paddr, err := freeAddr()
		if err != nil {
			return err
		}
		host, port, _ := net.SplitHostPort(paddr)
		prism, err := startProc(root, os.Environ(), "prism", o.prism, "mock", "--host", host, "--port", port,
			"--verboseLevel", "warn", filepath.Join(root, v.File))
		if err != nil {
			return err
		}
		prismURL := "http://" + paddr
		if err := waitUp(prismURL, prism); err != nil {
			prism.stop()
			return err
		}
		// Prism serves the spec's paths, without the prefix of a base URL (Kredibel's $vision).
		preq := req.at(prismURL + op.Path)
		if u, _ := url.Parse(req.url); u != nil && u.RawQuery != "" {
			preq.url += "?" + u.RawQuery
		}
		if status, body, err := once(preq); err != nil || status/100 != 2 {
			fmt.Printf("%s %s: Prism answers %d %.200q (%v): skipped\n", v.ID, op.ID, status, body, err)
			prism.stop()
			continue
		}
		fmt.Printf("%s %s: %s %s, %d-byte body (%s); both answer 2XX\n", v.ID, op.ID, req.method, op.Path, len(req.body), req.header.Get("Content-Type"))
		for _, n := range o.conns {
			r := row{vendor: v.ID, op: op.ID, conns: n}
			for i := range o.rounds {
				order := []string{"serve", "prism"}
				if i%2 == 1 {
					slices.Reverse(order)
				}
				for _, who := range order {
					var res result
					if who == "serve" {
						fresh, err := build() // a fresh token, where the operation takes one
						if err != nil {
							prism.stop()
							return fmt.Errorf("%s: rebuilding serve's request: %v", v.ID, err)
						}
						res = load(fresh, n, o.duration, serve)
						r.serve = append(r.serve, res)
					} else {
						res = load(preq, n, o.duration, prism)
						r.prism = append(r.prism, res)
					}
					fmt.Printf("  %s c=%d round %d %-5s %s\n", v.ID, n, i+1, who, res)
				}
			}
			rows = append(rows, r)
		}
		prism.stop()
	}
	printTable(rows)
	return nil
}

// imageOperation is the vendor's first POST operation (by id order of the spec) that carries x-kontrak-image.
func imageOperation(v *contract.Vendor) *contract.Operation {
	for _, id := range v.OperationIDs() {
		op := v.Operation(id)
		if field, _ := op.ImageField(); field != "" && op.Method == http.MethodPost {
			return op
		}
	}
	return nil
}

// captured is one request as bytes.
type captured struct {
	method string
	url    string
	header http.Header
	body   []byte
}

func (c *captured) at(u string) *captured {
	cp := *c
	cp.url = u
	return &cp
}

// capture sends op's documented image request through the vendor's real client to serve, keeps the image
// request as sent (a token request before it passes through), and checks that serve answers it 2XX.
func capture(v *contract.Vendor, op *contract.Operation, serveURL string, creds map[string]string, img []byte) (*captured, error) {
	base := serveURL
	if v.Env.BaseURLRequired {
		base += "/kontrak-load" // a prefix, as a configured base URL has
	}
	var got *captured
	tr := roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.Method == op.Method && strings.HasSuffix(r.URL.Path, op.Path) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			got = &captured{method: r.Method, url: r.URL.String(), header: r.Header.Clone(), body: body}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	cl := client.New(v, client.Config{BaseURL: base, Credentials: creds, HTTP: &http.Client{Transport: tr}})
	resp, err := cl.Do(context.Background(), client.Request{Operation: op.ID, Image: img})
	if err != nil {
		return nil, err
	}
	if got == nil {
		return nil, errors.New("the client sent no image request")
	}
	if resp.Status/100 != 2 {
		return nil, fmt.Errorf("answers %d %.200q", resp.Status, resp.Body)
	}
	return got, nil
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// once sends the request and returns the status and body.
func once(c *captured) (int, []byte, error) {
	req, err := http.NewRequest(c.method, c.url, bytes.NewReader(c.body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = c.header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, nil
}

// result is one server's run: 2XX requests (measured), other answers and errors (counted apart).
type result struct {
	rps      float64
	p50, p99 time.Duration
	ok       int
	non2xx   int
	errs     int
	cpuPerOK time.Duration // the server's CPU time over the run, per 2XX answer
	rssMB    float64
}

func (r result) String() string {
	return fmt.Sprintf("%7.0f req/s  p50 %6.1f ms  p99 %6.1f ms  cpu %5.2f ms/req  rss %4.0f MB  (2XX %d, other %d, errors %d)",
		r.rps, ms(r.p50), ms(r.p99), ms(r.cpuPerOK), r.rssMB, r.ok, r.non2xx, r.errs)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// load sends the request over n keep-alive connections for d, each connection one request at a time.
func load(c *captured, n int, d time.Duration, p *proc) result {
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	cpu0 := p.cpu()
	deadline := time.Now().Add(d)
	lats := make([][]time.Duration, n)
	non2xx := make([]int, n)
	errs := make([]int, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := range n {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(c.method, c.url, bytes.NewReader(c.body))
				req.Header = c.header // read, never written, by the transport
				s := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					errs[w]++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					non2xx[w]++
					continue
				}
				lats[w] = append(lats[w], time.Since(s))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	cpu := p.cpu() - cpu0
	var all []time.Duration
	r := result{rssMB: p.rssMB()}
	for w := range n {
		all = append(all, lats[w]...)
		r.non2xx += non2xx[w]
		r.errs += errs[w]
	}
	slices.Sort(all)
	r.ok = len(all)
	if r.ok > 0 {
		r.rps = float64(r.ok) / elapsed.Seconds()
		r.p50 = all[r.ok/2]
		r.p99 = all[min(r.ok-1, r.ok*99/100)]
		r.cpuPerOK = cpu / time.Duration(r.ok)
	}
	return r
}

// row is one vendor and number of connections: every round of both servers.
type row struct {
	vendor, op   string
	conns        int
	serve, prism []result
}

func median[T int | float64 | time.Duration](rs []result, f func(result) T) T {
	v := make([]T, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func printTable(rows []row) {
	fmt.Printf("\nmedians over the rounds; load average %s\n", loadavg())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "vendor\tconns\tserve req/s\tp50 ms\tp99 ms\tcpu ms/req\tRSS MB\tPrism req/s\tp50 ms\tp99 ms\tcpu ms/req\tRSS MB\tserve/Prism\tnon-2XX s/P\t")
	for _, r := range rows {
		srps, prps := median(r.serve, func(x result) float64 { return x.rps }), median(r.prism, func(x result) float64 { return x.rps })
		ratio := 0.0
		if prps > 0 {
			ratio = srps / prps
		}
		bad := func(rs []result) (n int) {
			for _, x := range rs {
				n += x.non2xx + x.errs
			}
			return n
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.1f\t%.2f\t%.0f\t%.0f\t%.1f\t%.1f\t%.2f\t%.0f\t%.2f×\t%d/%d\t\n", r.vendor, r.conns,
			srps, ms(median(r.serve, func(x result) time.Duration { return x.p50 })), ms(median(r.serve, func(x result) time.Duration { return x.p99 })),
			ms(median(r.serve, func(x result) time.Duration { return x.cpuPerOK })), median(r.serve, func(x result) float64 { return x.rssMB }),
			prps, ms(median(r.prism, func(x result) time.Duration { return x.p50 })), ms(median(r.prism, func(x result) time.Duration { return x.p99 })),
			ms(median(r.prism, func(x result) time.Duration { return x.cpuPerOK })), median(r.prism, func(x result) float64 { return x.rssMB }),
			ratio, bad(r.serve), bad(r.prism))
	}
	tw.Flush()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// proc is a server process.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	out  *tail
}

// startProc starts a server in dir, its output kept (the last lines) for an error message.
func startProc(dir string, env []string, name, bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	t := &tail{}
	cmd.Stdout, cmd.Stderr = t, t
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (%s): %v", name, bin, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{}), out: t}
	go func() { cmd.Wait(); close(p.done) }()
	return p, nil
}

func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// cpu is the process's user and system time so far (/proc/PID/stat, in clock ticks of 1/100 s).
func (p *proc) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces) start after the last ')'.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

// rssMB is the process's resident memory (VmRSS) in MB.
func (p *proc) rssMB() float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1000
		}
	}
	return 0
}

// waitUp waits until the server answers anything over HTTP (60 s: Prism takes seconds to start).
func waitUp(base string, p *proc) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before it listened: %s", p.name, p.out)
		default:
		}
		resp, err := http.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s did not listen on %s within 60 s: %s", p.name, base, p.out)
}

// freeAddr is a loopback address with a port free now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tail keeps the last 2 KB a process wrote.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2048 {
		t.buf = t.buf[len(t.buf)-2048:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
