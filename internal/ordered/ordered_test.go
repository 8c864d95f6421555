package ordered

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

func items(n int) func(emit func(int) error) error {
	return func(emit func(int) error) error {
		for i := range n {
			if err := emit(i); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestRunKeepsOrder: whatever order the workers finish in, done sees every item once, in order.
func TestRunKeepsOrder(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 8} {
		var got []int
		err := Run(workers, items(500), func(_ int, i int) (int, error) {
			time.Sleep(time.Duration(rand.IntN(50)) * time.Microsecond)
			return i * 2, nil
		}, func(r int) error { got = append(got, r); return nil })
		if err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if len(got) != 500 {
			t.Fatalf("workers %d: done saw %d results, want 500", workers, len(got))
		}
		for i, r := range got {
			if r != i*2 {
				t.Fatalf("workers %d: result %d is %d, want %d: out of order", workers, i, r, i*2)
			}
		}
	}
}

// TestRunFirstErrorInOrder: the error of the earliest failing item wins, however late it finishes; done
// sees no item after it, and the producer is told to stop.
func TestRunFirstErrorInOrder(t *testing.T) {
	var seen []int
	var emitted atomic.Int64
	produce := func(emit func(int) error) error {
		for i := range 100_000 {
			if err := emit(i); err != nil {
				if !Halted(err) {
					t.Errorf("emit answered %v, want the halt", err)
				}
				return err
			}
			emitted.Add(1)
		}
		return nil
	}
	err := Run(4, produce, func(_ int, i int) (int, error) {
		switch i {
		case 40:
			time.Sleep(5 * time.Millisecond) // finishes after 41 has failed
			return 0, fmt.Errorf("item %d", i)
		case 41:
			return 0, fmt.Errorf("item %d", i)
		}
		return i, nil
	}, func(r int) error { seen = append(seen, r); return nil })
	if err == nil || err.Error() != "item 40" {
		t.Fatalf("Run = %v, want the error of item 40", err)
	}
	if len(seen) != 40 || seen[39] != 39 {
		t.Fatalf("done saw %d results, want the 40 before the failure", len(seen))
	}
	if n := emitted.Load(); n > 1000 {
		t.Fatalf("%d items emitted after a failure at 40: the producer was not halted", n)
	}
}

// TestRunBoundsInFlight: however slow done is, at most 4 batches of items a worker are emitted and not yet
// done.
func TestRunBoundsInFlight(t *testing.T) {
	const workers = 3
	var emitted, finished, worst atomic.Int64
	produce := func(emit func(int) error) error {
		for i := range 2000 {
			if err := emit(i); err != nil {
				return err
			}
			if d := emitted.Add(1) - finished.Load(); d > worst.Load() {
				worst.Store(d)
			}
		}
		return nil
	}
	err := Run(workers, produce, func(_ int, i int) (int, error) { return i, nil }, func(int) error {
		if rand.IntN(50) == 0 {
			time.Sleep(200 * time.Microsecond)
		}
		finished.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if items, _ := inFlightBounds(workers); worst.Load() > int64(items+1) {
		t.Fatalf("%d items in flight at once, want at most %d", worst.Load(), items+1)
	}
}

type blob []byte

func (b blob) Size() int { return len(b) }

// TestRunBoundsBytesInFlight: items that tell their size are held within 4·BatchBytes a worker, a batch
// within BatchBytes (or one item), however slow done is.
func TestRunBoundsBytesInFlight(t *testing.T) {
	const workers = 2
	var emitted, finished, worst, worstBatch atomic.Int64
	produce := func(emit func(blob) error) error {
		for i := range 400 {
			b := make(blob, 100<<10+i) // about 100 KiB each: a batch of 32 would be 3 MiB
			if err := emit(b); err != nil {
				return err
			}
			if d := emitted.Add(int64(len(b))) - finished.Load(); d > worst.Load() {
				worst.Store(d)
			}
		}
		return nil
	}
	var inWork [workers]atomic.Int64
	err := Run(workers, produce, func(w int, b blob) (int, error) {
		if s := inWork[w].Add(int64(len(b))); s > worstBatch.Load() {
			worstBatch.Store(s)
		}
		return len(b), nil
	}, func(n int) error {
		if rand.IntN(20) == 0 {
			time.Sleep(200 * time.Microsecond)
		}
		finished.Add(int64(n))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, bytes := inFlightBounds(workers)
	if w, bound := worst.Load(), int64(bytes+(101<<10)); w > bound {
		t.Fatalf("%d bytes in flight at once, want at most %d", w, bound)
	}
	if worst.Load() < 2<<20 {
		t.Fatalf("at most %d bytes in flight: the test did not fill the pipeline", worst.Load())
	}
}

// TestInFlightBounds: the bytes in flight grow with the workers up to MaxBytesInFlight, never beyond.
func TestInFlightBounds(t *testing.T) {
	for _, w := range []int{1, 2, 4, 64, 1024} {
		items, bytes := inFlightBounds(w)
		if items != 4*BatchItems*w || bytes > MaxBytesInFlight || bytes < min(w*BatchBytes, MaxBytesInFlight) {
			t.Errorf("%d workers: %d items, %d bytes in flight", w, items, bytes)
		}
	}
}

// TestBatchOf: a worker takes at most BatchItems items and at most BatchBytes bytes of sized items, one
// item however large.
func TestBatchOf(t *testing.T) {
	for _, c := range []struct {
		sizes []int
		n     int
	}{
		{make([]int, 100), BatchItems},
		{make([]int, 3), 3},
		{[]int{300 << 10, 300 << 10, 300 << 10, 300 << 10, 1}, 3},
		{[]int{5 << 20, 1, 1}, 1},
		{[]int{1, 5 << 20}, 1},
		{[]int{BatchBytes / 2, BatchBytes / 2, 1}, 2},
	} {
		n, size := batchOf(c.sizes)
		if n != c.n {
			t.Errorf("batchOf(%d sizes) takes %d, want %d", len(c.sizes), n, c.n)
		}
		want := 0
		for _, s := range c.sizes[:n] {
			want += s
		}
		if size != want {
			t.Errorf("batchOf(%d sizes) sums %d, want %d", len(c.sizes), size, want)
		}
	}
}

// TestRunNoWaitForABatch: an item is worked on and handed to done while the producer waits for the next
// one: a slow stream (a log followed as it grows) is never held back to fill a batch.
func TestRunNoWaitForABatch(t *testing.T) {
	doneUpTo := make(chan int, 10)
	produce := func(emit func(int) error) error {
		for i := range 5 {
			if err := emit(i); err != nil {
				return err
			}
			select {
			case got := <-doneUpTo:
				if got != i {
					return fmt.Errorf("done saw %d while %d was the last emitted", got, i)
				}
			case <-time.After(10 * time.Second):
				return fmt.Errorf("item %d was not handed to done while the producer waited", i)
			}
		}
		return nil
	}
	err := Run(2, produce, func(_ int, i int) (int, error) { return i, nil }, func(i int) error { doneUpTo <- i; return nil })
	if err != nil {
		t.Fatal(err)
	}
}

// TestRunDoneError: an error of done stops the run as an error of work does.
func TestRunDoneError(t *testing.T) {
	stop := errors.New("full")
	n := 0
	err := Run(2, items(1000), func(_ int, i int) (int, error) { return i, nil }, func(int) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("Run = %v after %d results, want done's error after 10", err, n)
	}
}

// TestRunProduceError: the producer's own error is returned after its items, unless one of them failed.
func TestRunProduceError(t *testing.T) {
	broken := errors.New("line 7: not a cassette")
	produce := func(emit func(int) error) error {
		for i := range 5 {
			if err := emit(i); err != nil {
				return err
			}
		}
		return broken
	}
	var seen int
	err := Run(2, produce, func(_ int, i int) (int, error) { return i, nil }, func(int) error { seen++; return nil })
	if !errors.Is(err, broken) || seen != 5 {
		t.Fatalf("Run = %v after %d results, want the producer's error after all 5", err, seen)
	}
	err = Run(2, produce, func(_ int, i int) (int, error) {
		if i == 2 {
			return 0, errors.New("item 2")
		}
		return i, nil
	}, func(int) error { return nil })
	if err == nil || err.Error() != "item 2" {
		t.Fatalf("Run = %v, want the item's error before the producer's", err)
	}
}

// TestRunWorkerIndex: each worker has its index, so state kept by index is never shared.
func TestRunWorkerIndex(t *testing.T) {
	const workers = 3
	var busy [workers]atomic.Int32
	err := Run(workers, items(300), func(w int, i int) (int, error) {
		if w < 0 || w >= workers {
			return 0, fmt.Errorf("worker index %d", w)
		}
		if busy[w].Add(1) != 1 {
			return 0, fmt.Errorf("worker %d runs two items at once", w)
		}
		time.Sleep(10 * time.Microsecond)
		busy[w].Add(-1)
		return i, nil
	}, func(int) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
}
