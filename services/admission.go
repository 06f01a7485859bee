package services

import (
	"context"
	"errors"
	"sync"
)

// admission lets at most a fixed number of callers work at once and queues the
// others in the order they came, at most a fixed number of them.
//
// Why first come, first served: requests that all run at once on a busy core
// share it, so a broad search is stretched by every search beside it and the
// slowest requests take several times the mean. database/sql hands a freed
// connection to a random waiter, which spreads the waits further. In arrival
// order each request waits for the work ahead of it, about the mean for
// everybody.
type admission struct {
	mu      sync.Mutex
	free    int       // slots nobody holds
	queue   []*waiter // oldest first
	maxWait int       // callers that may wait; more are refused at once
}

// waiter is one queued caller; ready is closed when the slot is handed to it.
type waiter struct{ ready chan struct{} }

func newAdmission(slots, queue int) *admission {
	return &admission{free: slots, maxWait: queue}
}

// errQueueFull refuses a caller when the queue is full.
var errQueueFull = errors.New("admission: the queue is full")

// enter returns once the caller holds a slot, which it gives back with leave.
// It returns errQueueFull at once when the queue is full, and ctx.Err() when
// ctx ends while the caller waits. A free slot is taken even if ctx has ended,
// so that waiting is the only way to time out.
func (a *admission) enter(ctx context.Context) error {
	a.mu.Lock()
	if a.free > 0 && len(a.queue) == 0 {
		a.free--
		a.mu.Unlock()
		return nil
	}
	if len(a.queue) >= a.maxWait {
		a.mu.Unlock()
		return errQueueFull
	}
	w := &waiter{ready: make(chan struct{})}
	a.queue = append(a.queue, w)
	a.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	a.mu.Lock()
	for i, q := range a.queue {
		if q == w {
			a.queue = append(a.queue[:i], a.queue[i+1:]...)
			a.mu.Unlock()
			return ctx.Err()
		}
	}
	a.mu.Unlock()
	// The slot was handed over as ctx ended: pass it on to the next in line.
	a.leave()
	return ctx.Err()
}

// leave gives the slot to the oldest waiter, or frees it.
func (a *admission) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.queue) == 0 {
		a.free++
		return
	}
	w := a.queue[0]
	a.queue[0] = nil // no reference kept by the backing array
	a.queue = a.queue[1:]
	close(w.ready)
}

// waiting is the number of queued callers.
func (a *admission) waiting() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queue)
}
