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

// TestRunBoundsInFlight: however slow done is, at most 4 items a worker are emitted and not yet done.
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
	if w := worst.Load(); w > 4*workers+1 {
		t.Fatalf("%d items in flight at once, want at most %d", w, 4*workers+1)
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
