package services

import (
	"context"
	"sync"
	"time"
)

// KV is the key-value storage sessions live in: BatchedRedisKV (over
// github.com/gofiber/storage/redis/v3) in production, MemoryKV for the embedded
// default. A missing key
// is (nil, nil); any error means the storage itself failed.
type KV interface {
	GetWithContext(ctx context.Context, key string) ([]byte, error)
	SetWithContext(ctx context.Context, key string, val []byte, exp time.Duration) error
	DeleteWithContext(ctx context.Context, key string) error
}

// MemoryKV is an in-process KV with expiry for running without Redis. Sessions in
// it end when the process does, and it is not shared between instances.
type MemoryKV struct {
	mu      sync.Mutex
	entries map[string]memoryEntry
	writes  int
	now     func() time.Time
}

type memoryEntry struct {
	val     []byte
	expires time.Time
}

// NewMemoryKV returns an empty in-memory KV.
func NewMemoryKV() *MemoryKV {
	return &MemoryKV{entries: map[string]memoryEntry{}, now: time.Now}
}

func (m *MemoryKV) GetWithContext(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, nil
	}
	if !e.expires.IsZero() && !m.now().Before(e.expires) {
		delete(m.entries, key)
		return nil, nil
	}
	return append([]byte(nil), e.val...), nil
}

func (m *MemoryKV) SetWithContext(_ context.Context, key string, val []byte, exp time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweepLocked()
	e := memoryEntry{val: append([]byte(nil), val...)}
	if exp > 0 {
		e.expires = m.now().Add(exp)
	}
	m.entries[key] = e
	return nil
}

func (m *MemoryKV) DeleteWithContext(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}

// sweepLocked drops expired entries every 1024 writes, so abandoned sessions do
// not accumulate for ever; amortised over writes, it needs no goroutine.
func (m *MemoryKV) sweepLocked() {
	m.writes++
	if m.writes%1024 != 0 {
		return
	}
	now := m.now()
	for k, e := range m.entries {
		if !e.expires.IsZero() && !now.Before(e.expires) {
			delete(m.entries, k)
		}
	}
}
