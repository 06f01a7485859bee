package services

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// queued waits until n callers wait for a slot.
func queued(a *admission, n int) {
	for a.waiting() != n {
		runtime.Gosched()
	}
}

func TestAdmissionServesInArrivalOrder(t *testing.T) {
	a := newAdmission(1, 10)
	if err := a.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			if err := a.enter(context.Background()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			a.leave()
		})
		queued(a, i+1) // the next one comes after this one
	}
	a.leave()
	wg.Wait()
	if want := []int{0, 1, 2, 3, 4, 5}; !slices.Equal(order, want) {
		t.Fatalf("served in the order %v, want %v", order, want)
	}
}

func TestAdmissionBoundsWorkAndQueue(t *testing.T) {
	t.Run("AtMostSlotsAtOnce", func(t *testing.T) {
		a := newAdmission(2, 100)
		var inside, most atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if err := a.enter(context.Background()); err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				runtime.Gosched() // let the others try to come in meanwhile
				inside.Add(-1)
				a.leave()
			})
		}
		wg.Wait()
		if m := most.Load(); m > 2 || m < 1 {
			t.Fatalf("%d callers inside at once, want at most 2", m)
		}
	})
	t.Run("FullQueueRefusesAtOnce", func(t *testing.T) {
		a := newAdmission(1, 2)
		if err := a.enter(context.Background()); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				if err := a.enter(context.Background()); err != nil {
					t.Error(err)
					return
				}
				a.leave()
			})
			queued(a, i+1)
		}
		// An ended context tells a refusal from a wait that timed out.
		ended, cancel := context.WithCancel(context.Background())
		cancel()
		if err := a.enter(ended); !errors.Is(err, errQueueFull) {
			t.Fatalf("third waiter: %v, want errQueueFull", err)
		}
		a.leave()
		wg.Wait()
		// Everything given back: a slot is free again.
		if err := a.enter(ended); err != nil {
			t.Fatalf("after all left: %v", err)
		}
	})
}

func TestAdmissionWaitEndsWithContext(t *testing.T) {
	a := newAdmission(1, 10)
	if err := a.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- a.enter(ctx) }()
	queued(a, 1)
	second := make(chan error, 1)
	go func() { second <- a.enter(context.Background()) }()
	queued(a, 2)

	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter whose context ended: %v, want context.Canceled", err)
	}
	if n := a.waiting(); n != 1 {
		t.Fatalf("%d waiting after one gave up, want 1", n)
	}
	a.leave()
	if err := <-second; err != nil {
		t.Fatalf("the next in line: %v", err)
	}
	a.leave()
	ended, stop := context.WithCancel(context.Background())
	stop()
	if err := a.enter(ended); err != nil {
		t.Fatalf("the slot was not given back: %v", err)
	}
}

// A slot handed over just as the waiter's context ends goes to the next in
// line, whichever of the two the waiter sees first.
func TestAdmissionPassesOnASlotHandedOverAsTheWaitEnds(t *testing.T) {
	for range 200 {
		a := newAdmission(1, 10)
		if err := a.enter(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		first := make(chan error, 1)
		go func() { first <- a.enter(ctx) }()
		queued(a, 1)
		second := make(chan error, 1)
		go func() { second <- a.enter(context.Background()) }()
		queued(a, 2)
		cancel()
		a.leave() // usually before the first waiter has seen its context end
		if err := <-first; err == nil {
			a.leave()
		} else if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		if err := <-second; err != nil {
			t.Fatalf("the next in line: %v", err)
		}
		a.leave()
		if n := a.waiting(); n != 0 || a.free != 1 {
			t.Fatalf("%d waiting and %d free at the end, want 0 and 1", n, a.free)
		}
	}
}
