package services

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// batchedLookups answers keyed reads that every request makes (a session by id,
// "does this user still exist") with one round trip for all the callers that are
// waiting, instead of one each. A read still starts only after its caller asked,
// so a value changed before a request began is never answered from older data.
//
// It also groups writes (Carts' adds, cartaddbatch.go): fetch then writes its
// keys together, and every caller waits for the write that holds its own. The
// lookups are never merged, so a key asked twice is fetched (written) twice.
type batchedLookups[K comparable, V any] struct {
	// fetch returns one value per key, in the order of keys.
	fetch func(ctx context.Context, keys []K) ([]V, error)

	mu      sync.Mutex
	pending []*lookup[K, V] // not started yet: new lookups join
	running bool            // a goroutine is running batches
}

type lookup[K comparable, V any] struct {
	key  K
	done chan struct{}
	val  V
	err  error
}

// maxBatch bounds one round trip; more waiting lookups go in the next one.
const maxBatch = 256

// batchTimeout bounds one batch; the clients' own timeouts are shorter.
const batchTimeout = 2 * time.Second

var errBatchSize = errors.New("batch: wrong number of values")

// get returns key's value, fetched together with the other waiting lookups.
func (b *batchedLookups[K, V]) get(ctx context.Context, key K) (V, error) {
	l := &lookup[K, V]{key: key, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, l)
	if !b.running {
		b.running = true
		go b.loop()
	}
	b.mu.Unlock()
	select {
	case <-l.done:
		return l.val, l.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

func (b *batchedLookups[K, V]) loop() {
	for {
		// Let ready requests add their lookups to this batch first.
		runtime.Gosched()
		b.mu.Lock()
		n := min(len(b.pending), maxBatch)
		if n == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		b.run(batch)
	}
}

func (b *batchedLookups[K, V]) run(batch []*lookup[K, V]) {
	keys := make([]K, len(batch))
	for i, l := range batch {
		keys[i] = l.key
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	vals, err := b.fetch(ctx, keys)
	cancel()
	if err == nil && len(vals) != len(batch) {
		err = errBatchSize
	}
	for i, l := range batch {
		if err != nil {
			l.err = err
		} else {
			l.val = vals[i]
		}
		close(l.done)
	}
}
