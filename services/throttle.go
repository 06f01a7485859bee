package services

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/storefront/storefront/models"
)

// Counter counts events per key in a fixed window that starts at the first event.
// Errors mean the storage failed; callers must then refuse, not allow (fail closed).
type Counter interface {
	// Incr adds one and returns the new count and the time left in the window.
	Incr(ctx context.Context, key string, window time.Duration) (int64, time.Duration, error)
	// Peek returns the count and time left without changing them.
	Peek(ctx context.Context, key string) (int64, time.Duration, error)
	// Reset forgets the key.
	Reset(ctx context.Context, key string) error
}

// RedisCounter keeps counts in Redis, so every app instance shares them.
type RedisCounter struct {
	Client *redis.Client
	Prefix string
}

func (r RedisCounter) Incr(ctx context.Context, key string, window time.Duration) (int64, time.Duration, error) {
	key = r.Prefix + key
	var incr *redis.IntCmd
	var ttl *redis.DurationCmd
	_, err := r.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, key)
		p.ExpireNX(ctx, key, window) // the window starts at the first event
		ttl = p.PTTL(ctx, key)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return incr.Val(), max(ttl.Val(), 0), nil
}

func (r RedisCounter) Peek(ctx context.Context, key string) (int64, time.Duration, error) {
	key = r.Prefix + key
	var get *redis.StringCmd
	var ttl *redis.DurationCmd
	_, err := r.Client.Pipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, key)
		ttl = p.PTTL(ctx, key)
		return nil
	})
	if err != nil && err != redis.Nil {
		return 0, 0, err
	}
	n, _ := get.Int64()
	return n, max(ttl.Val(), 0), nil
}

func (r RedisCounter) Reset(ctx context.Context, key string) error {
	return r.Client.Del(ctx, r.Prefix+key).Err()
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

func (m *MemoryCounter) Incr(_ context.Context, key string, window time.Duration) (int64, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	w := m.windows[key]
	if !now.Before(w.ends) {
		w = memoryWindow{ends: now.Add(window)}
		if len(m.windows) > 100_000 {
			m.sweepLocked(now)
		}
	}
	w.count++
	m.windows[key] = w
	return w.count, w.ends.Sub(now), nil
}

func (m *MemoryCounter) Peek(_ context.Context, key string) (int64, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	w := m.windows[key]
	if !now.Before(w.ends) {
		return 0, 0, nil
	}
	return w.count, w.ends.Sub(now), nil
}

func (m *MemoryCounter) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.windows, key)
	return nil
}

func (m *MemoryCounter) sweepLocked(now time.Time) {
	for k, w := range m.windows {
		if !now.Before(w.ends) {
			delete(m.windows, k)
		}
	}
}

// ThrottleRule allows Limit events per Window.
type ThrottleRule struct {
	Limit  int64
	Window time.Duration
}

// ThrottleRules are the brute-force limits.
type ThrottleRules struct {
	LoginPerIP      ThrottleRule // failed logins from one client IP (Rails 8: 10 per 3 minutes)
	LoginPerAccount ThrottleRule // consecutive failed logins for one email
	SignupPerIP     ThrottleRule // sign-up attempts from one client IP
}

// DefaultThrottleRules keep an account far below ASVS's 100 failures per hour.
var DefaultThrottleRules = ThrottleRules{
	LoginPerIP:      ThrottleRule{Limit: 10, Window: 3 * time.Minute},
	LoginPerAccount: ThrottleRule{Limit: 10, Window: 15 * time.Minute},
	SignupPerIP:     ThrottleRule{Limit: 20, Window: 10 * time.Minute},
}

// Throttle limits login and sign-up attempts. It fails closed: when the counter
// storage is down, attempts get EUNAVAILABLE rather than an unthrottled pass.
type Throttle struct {
	counter Counter
	rules   ThrottleRules
}

// NewThrottle returns a throttle over counter.
func NewThrottle(counter Counter, rules ThrottleRules) *Throttle {
	return &Throttle{counter: counter, rules: rules}
}

// CheckLogin refuses a login attempt from ip for email when either has failed too often.
func (t *Throttle) CheckLogin(ctx context.Context, ip, email string) error {
	if err := t.check(ctx, "throttle:login:ip:"+ip, t.rules.LoginPerIP); err != nil {
		return err
	}
	return t.check(ctx, "throttle:login:account:"+email, t.rules.LoginPerAccount)
}

// LoginFailed counts a failed attempt against both the IP and the account.
func (t *Throttle) LoginFailed(ctx context.Context, ip, email string) error {
	if _, _, err := t.counter.Incr(ctx, "throttle:login:ip:"+ip, t.rules.LoginPerIP.Window); err != nil {
		return unavailable("throttle: count login failure", err)
	}
	if _, _, err := t.counter.Incr(ctx, "throttle:login:account:"+email, t.rules.LoginPerAccount.Window); err != nil {
		return unavailable("throttle: count login failure", err)
	}
	return nil
}

// LoginSucceeded clears the account's consecutive failures.
func (t *Throttle) LoginSucceeded(ctx context.Context, email string) error {
	if err := t.counter.Reset(ctx, "throttle:login:account:"+email); err != nil {
		return unavailable("throttle: reset", err)
	}
	return nil
}

// Signup counts a sign-up attempt from ip and refuses it over the limit.
func (t *Throttle) Signup(ctx context.Context, ip string) error {
	n, ttl, err := t.counter.Incr(ctx, "throttle:signup:ip:"+ip, t.rules.SignupPerIP.Window)
	if err != nil {
		return unavailable("throttle: count sign-up", err)
	}
	if n > t.rules.SignupPerIP.Limit {
		return throttled(ttl)
	}
	return nil
}

func (t *Throttle) check(ctx context.Context, key string, rule ThrottleRule) error {
	n, ttl, err := t.counter.Peek(ctx, key)
	if err != nil {
		return unavailable("throttle: check", err)
	}
	if n >= rule.Limit {
		return throttled(ttl)
	}
	return nil
}

func throttled(retryAfter time.Duration) error {
	return &models.Error{
		Code:       models.ETHROTTLED,
		Message:    "Too many attempts. Please wait a few minutes and try again.",
		RetryAfter: max(retryAfter, time.Second),
	}
}
