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
// Items queue between the producer and the workers, and a worker takes every item queued (up to
// BatchItems, or BatchBytes of items that tell their size, Sized) at once: the hand-over between
// goroutines (a lock, a wake-up, a result sent) is paid once a batch, not once an item, and no item waits
// for a batch to fill (a log followed as it grows is judged line by line). Why: a traffic check of small
// log lines spent a third of its wall time handing items over one at a time (issue 18: NDJSON at 100k
// interactions kept 1.5 cores of 2 busy).
//
// At most 4·BatchItems items a worker are in flight (emitted and not yet handed to done), and of items
// that tell their size at most 4·BatchBytes bytes a worker and MaxBytesInFlight in all (or one item,
// however large), so memory is bounded by the items in flight, not by the stream nor the cores. The first error in item order wins (work's or
// done's); the items after it are not handed to done, and emit then answers an error that produce should
// return. An error of produce itself (after its last item) is returned when no item before it failed, as
// a sequential pass returns it. A panic in work or done is not caught: work that may panic recovers itself.
func Run[T, R any](workers int, produce func(emit func(T) error) error, work func(worker int, item T) (R, error), done func(R) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		seq  int64 // of the batch's first item
		rs   []R
		err  error // of the item after rs: the batch stops there
		n    int   // items the batch took
		size int   // their bytes (Sized)
	}
	maxItems, maxBytes := inFlightBounds(workers)
	var (
		mu                sync.Mutex
		canEmit, canTake  = sync.NewCond(&mu), sync.NewCond(&mu)
		queue             []T
		sizes             []int
		head              int64 // the seq of queue[0]
		inFlight, inBytes int   // emitted and not yet handed to done
		closed, halted    bool
	)
	results := make(chan result, 4*workers)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var items []T // this worker's batch, its array reused
			for {
				mu.Lock()
				for len(queue) == 0 && !closed {
					canTake.Wait()
				}
				if len(queue) == 0 { // closed and drained
					mu.Unlock()
					return
				}
				n, size := batchOf(sizes)
				// The batch is copied out and the queue moved down (at most a few hundred items), so that
				// the queue's array is reused rather than grown anew as its front is taken.
				items = append(items[:0], queue[:n]...)
				rest := copy(queue, queue[n:])
				clear(queue[rest:]) // no item is kept alive past its place in the queue
				queue, sizes = queue[:rest], sizes[:copy(sizes, sizes[n:])]
				seq, skip := head, halted
				head += int64(n)
				mu.Unlock()
				res := result{seq: seq, n: n, size: size}
				if !skip { // after a failure, the items still queued are dropped, not worked on
					res.rs = make([]R, 0, n)
					for _, item := range items {
						r, err := work(w, item)
						if err != nil {
							res.err = err
							break
						}
						res.rs = append(res.rs, r)
					}
				}
				clear(items) // what the batch held is not kept alive by the reused array
				results <- res
			}
		}()
	}
	var produceErr error
	go func() {
		err := produce(func(item T) error {
			size := 0
			if s, ok := any(item).(Sized); ok {
				size = s.Size()
			}
			mu.Lock()
			defer mu.Unlock()
			for !halted && inFlight > 0 && (inFlight >= maxItems || inBytes+size > maxBytes) {
				canEmit.Wait()
			}
			if halted {
				return errHalted
			}
			queue, sizes = append(queue, item), append(sizes, size)
			inFlight, inBytes = inFlight+1, inBytes+size
			canTake.Signal()
			return nil
		})
		if err != nil && !errors.Is(err, errHalted) {
			produceErr = err
		}
		mu.Lock()
		closed = true
		canTake.Broadcast()
		mu.Unlock()
	}()
	// results closes after every worker is done, and they are done after the producer closes the queue:
	// produceErr is set.
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
			next += int64(p.n)
			if first == nil {
				for _, r := range p.rs {
					if first = done(r); first != nil {
						break
					}
				}
				if first == nil {
					first = p.err
				}
			}
			mu.Lock()
			inFlight, inBytes = inFlight-p.n, inBytes-p.size
			if first != nil && !halted {
				halted = true
				canEmit.Broadcast()
			}
			canEmit.Signal()
			mu.Unlock()
		}
	}
	if first != nil {
		return first
	}
	return produceErr
}

// The bounds of the batch a worker takes: BatchItems items, or BatchBytes bytes of items that tell their
// size (one item, however large, is a batch).
const (
	BatchItems = 32
	BatchBytes = 1 << 20
)

// MaxBytesInFlight bounds the bytes of sized items in flight however many workers there are.
const MaxBytesInFlight = 16 << 20

// inFlightBounds are the items, and the bytes of sized items, that may be in flight at once.
func inFlightBounds(workers int) (items, bytes int) {
	return 4 * BatchItems * workers, min(4*BatchBytes*workers, MaxBytesInFlight)
}

// batchOf is how many of the queued items (by their sizes) a worker takes, and their bytes.
func batchOf(sizes []int) (n, size int) {
	for n < len(sizes) && n < BatchItems && (n == 0 || size+sizes[n] <= BatchBytes) {
		size += sizes[n]
		n++
	}
	return n, size
}

// Sized is an item that tells how many bytes it holds, so that the items in flight stay within a bound of
// memory however large each is.
type Sized interface{ Size() int }

// errHalted is what emit answers once an item has failed: produce returns it, and Run does not report it.
var errHalted = errors.New("ordered: halted")

// Halted reports whether err is emit's answer after a failure (for a producer that wraps it).
func Halted(err error) bool { return errors.Is(err, errHalted) }
