package services

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// CounterLimit is one key's limit in a Reserve call.
type CounterLimit struct {
	Key string
	ThrottleRule
}

// Counter counts events per key in fixed windows that start at a key's first
// event. Errors mean the storage failed; callers must then refuse, not allow
// (fail closed).
type Counter interface {
	// Reserve counts one event against every key, atomically: if any key has
	// reached its limit, nothing is counted and refused is the index of the first
	// such key, with the time left in its window. Otherwise refused is -1.
	Reserve(ctx context.Context, limits []CounterLimit) (refused int, retryAfter time.Duration, err error)
	// Refund takes back one event from each key that still counts any.
	Refund(ctx context.Context, keys ...string) error
	// Reset forgets the keys.
	Reset(ctx context.Context, keys ...string) error
}

// RedisCounter keeps counts in Redis, so every app instance shares them. Each
// call is one Lua script, which Redis runs atomically: no other instance's
// attempt can slip between a check and its count. (All keys of a call must then
// live on one server; this app uses a single Redis, not a cluster.)
type RedisCounter struct {
	Client *redis.Client
	Prefix string
}

// reserveScript: KEYS are the counters; ARGV holds each one's limit and window
// in milliseconds, in pairs. A key without an expiry (which only a bug could
// leave) gets its window again rather than refuse for ever.
var reserveScript = redis.NewScript(`
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[2*i-1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      redis.call('PEXPIRE', key, ARGV[2*i])
      ttl = tonumber(ARGV[2*i])
    end
    return {i, ttl}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then
    redis.call('PEXPIRE', key, ARGV[2*i])
  end
end
return {0, 0}
`)

// refundScript decrements each counter that exists; a DECR on a missing key
// would create one without an expiry.
var refundScript = redis.NewScript(`
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n > 1 then
    redis.call('DECR', key)
  elseif n == 1 then
    redis.call('DEL', key)
  end
end
return 0
`)

func (r RedisCounter) Reserve(ctx context.Context, limits []CounterLimit) (int, time.Duration, error) {
	keys := make([]string, len(limits))
	args := make([]any, 0, 2*len(limits))
	for i, l := range limits {
		keys[i] = r.Prefix + l.Key
		args = append(args, l.Limit, max(l.Window.Milliseconds(), 1))
	}
	reply, err := reserveScript.Run(ctx, r.Client, keys, args...).Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	if len(reply) != 2 {
		return 0, 0, errUnexpectedReply
	}
	return int(reply[0]) - 1, time.Duration(reply[1]) * time.Millisecond, nil
}

var errUnexpectedReply = errors.New("counter: unexpected reply from the reserve script")

func (r RedisCounter) Refund(ctx context.Context, keys ...string) error {
	return refundScript.Run(ctx, r.Client, r.prefixed(keys)).Err()
}

func (r RedisCounter) Reset(ctx context.Context, keys ...string) error {
	return r.Client.Del(ctx, r.prefixed(keys)...).Err()
}

func (r RedisCounter) prefixed(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = r.Prefix + k
	}
	return out
}

// MemoryCounter is a Counter for a single process without Redis.
type MemoryCounter struct {
	mu      sync.Mutex
	windows map[string]memoryWindow
	now     func() time.Time
}

type memoryWindow struct {
	count int64
	ends  time.Time
}

// NewMemoryCounter returns an empty in-process counter.
func NewMemoryCounter() *MemoryCounter {
	return &MemoryCounter{windows: map[string]memoryWindow{}, now: time.Now}
}

func (m *MemoryCounter) Reserve(_ context.Context, limits []CounterLimit) (int, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for i, l := range limits {
		if w := m.liveLocked(l.Key, now); w.count >= l.Limit {
			return i, w.ends.Sub(now), nil
		}
	}
	if len(m.windows) > 100_000 {
		m.sweepLocked(now)
	}
	for _, l := range limits {
		w := m.liveLocked(l.Key, now)
		if w.count == 0 {
			w.ends = now.Add(l.Window)
		}
		w.count++
		m.windows[l.Key] = w
	}
	return -1, 0, nil
}

func (m *MemoryCounter) Refund(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for _, k := range keys {
		switch w := m.liveLocked(k, now); {
		case w.count > 1:
			w.count--
			m.windows[k] = w
		default:
			delete(m.windows, k)
		}
	}
	return nil
}

func (m *MemoryCounter) Reset(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.windows, k)
	}
	return nil
}

// liveLocked returns the key's window, or an empty one if it has ended.
func (m *MemoryCounter) liveLocked(key string, now time.Time) memoryWindow {
	w := m.windows[key]
	if !now.Before(w.ends) {
		return memoryWindow{}
	}
	return w
}

func (m *MemoryCounter) sweepLocked(now time.Time) {
	for k, w := range m.windows {
		if !now.Before(w.ends) {
			delete(m.windows, k)
		}
	}
}
