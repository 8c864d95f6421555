// Package ordered runs independent work on every core and hands the results on in the order of the
// items: the streaming driver of traffic's check and of redact's scan and redaction. One copy, because the
// two had grown the same 60 lines (a reader, workers, an in-order collector, a bound on what is in flight,
// the first error by item order winning).
package ordered

import (
	"errors"
	"runtime"
	"sync"
)

// Run calls produce, on a goroutine of its own, with an emit that hands each item to one of workers
// goroutines (GOMAXPROCS when workers ≤ 0); each runs work on it (worker is its index, for state a worker
// keeps), and done gets every result in the items' order, on the calling goroutine.
//
// At most 4 items a worker are in flight (emitted and not yet handed to done), so memory is bounded by the
// largest items, not by the stream. The first error in item order wins (work's or done's); the items after
// it are not handed to done, and emit then answers an error that produce should return. An error of
// produce itself (after its last item) is returned when no item before it failed, as a sequential pass
// returns it. A panic in work or done is not caught: work that may panic recovers itself.
func Run[T, R any](workers int, produce func(emit func(T) error) error, work func(worker int, item T) (R, error), done func(R) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		seq  int64
		item T
	}
	type result struct {
		seq int64
		r   R
		err error
	}
	inFlight := 4 * workers
	jobs := make(chan job, inFlight)
	results := make(chan result, inFlight)
	tokens := make(chan struct{}, inFlight) // items emitted and not yet handed to done
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r, err := work(w, j.item)
				results <- result{j.seq, r, err}
			}
		}()
	}
	var produceErr error
	go func() {
		defer close(jobs)
		var seq int64
		err := produce(func(item T) error {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return errHalted
			}
			select {
			case jobs <- job{seq, item}:
			case <-stop:
				return errHalted
			}
			seq++
			return nil
		})
		if err != nil && !errors.Is(err, errHalted) {
			produceErr = err
		}
	}()
	// results closes after every worker is done, and they are done after jobs closes: produceErr is set.
	go func() { wg.Wait(); close(results) }()

	pending := map[int64]result{}
	var next int64
	var first error
	for r := range results {
		pending[r.seq] = r
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-tokens
			if first != nil {
				continue
			}
			if p.err == nil {
				p.err = done(p.r)
			}
			if p.err != nil {
				first = p.err
				halt()
			}
		}
	}
	if first != nil {
		return first
	}
	return produceErr
}

// errHalted is what emit answers once an item has failed: produce returns it, and Run does not report it.
var errHalted = errors.New("ordered: halted")

// Halted reports whether err is emit's answer after a failure (for a producer that wraps it).
func Halted(err error) bool { return errors.Is(err, errHalted) }
