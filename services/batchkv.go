package services

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"
)

// BatchedRedisKV is the session KV: gofiber/storage/redis stores the sessions,
// and reads are batched on its connection. Every signed-in page loads its
// session, and under load the concurrent loads travel together in one MGET (one
// round trip, two syscalls) instead of one GET each. A read still starts only
// after its caller asked, so a session deleted (logout) before a request began is
// never returned to it. Writes and deletes go through the storage unbatched.
type BatchedRedisKV struct {
	storage *fiberredis.Storage
	prefix  string

	mu      sync.Mutex
	pending []*kvRead // not started yet: new reads join
	reading bool      // a goroutine is running batches
}

type kvRead struct {
	key  string
	done chan struct{}
	val  []byte
	err  error
}

// maxBatch bounds one MGET; more waiting reads go in the next one.
const maxBatch = 256

// kvReadTimeout bounds one batch; the client's own timeouts are shorter.
const kvReadTimeout = 2 * time.Second

// NewBatchedRedisKV returns the KV over storage; every key is stored under prefix.
func NewBatchedRedisKV(storage *fiberredis.Storage, prefix string) *BatchedRedisKV {
	return &BatchedRedisKV{storage: storage, prefix: prefix}
}

func (kv *BatchedRedisKV) GetWithContext(ctx context.Context, key string) ([]byte, error) {
	r := &kvRead{key: kv.prefix + key, done: make(chan struct{})}
	kv.mu.Lock()
	kv.pending = append(kv.pending, r)
	if !kv.reading {
		kv.reading = true
		go kv.readLoop()
	}
	kv.mu.Unlock()
	select {
	case <-r.done:
		return r.val, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (kv *BatchedRedisKV) readLoop() {
	for {
		// Let ready requests add their reads to this batch first.
		runtime.Gosched()
		kv.mu.Lock()
		n := min(len(kv.pending), maxBatch)
		if n == 0 {
			kv.reading = false
			kv.mu.Unlock()
			return
		}
		batch := kv.pending[:n:n]
		kv.pending = kv.pending[n:]
		kv.mu.Unlock()
		kv.read(batch)
	}
}

func (kv *BatchedRedisKV) read(batch []*kvRead) {
	keys := make([]string, len(batch))
	for i, r := range batch {
		keys[i] = r.key
	}
	ctx, cancel := context.WithTimeout(context.Background(), kvReadTimeout)
	vals, err := kv.storage.Conn().MGet(ctx, keys...).Result()
	cancel()
	if err == nil && len(vals) != len(batch) {
		err = errors.New("redis: MGET returned a wrong number of values")
	}
	for i, r := range batch {
		if err != nil {
			r.err = err
		} else if s, ok := vals[i].(string); ok {
			r.val = []byte(s)
		} // nil: no such key
		close(r.done)
	}
}

func (kv *BatchedRedisKV) SetWithContext(ctx context.Context, key string, val []byte, exp time.Duration) error {
	return kv.storage.SetWithContext(ctx, kv.prefix+key, val, exp)
}

func (kv *BatchedRedisKV) DeleteWithContext(ctx context.Context, key string) error {
	return kv.storage.DeleteWithContext(ctx, kv.prefix+key)
}
