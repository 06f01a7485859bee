package services

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
)

// counters returns a Redis counter under a fresh prefix and an in-memory one,
// with the prefix for inspecting Redis keys.
func counters(t *testing.T) (map[string]Counter, *RedisCounter) {
	t.Helper()
	url, prefix := testenv.Redis(t)
	rdb, err := OpenRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	rc := &RedisCounter{Client: rdb, Prefix: prefix}
	return map[string]Counter{"redis": *rc, "memory": NewMemoryCounter()}, rc
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func assertRefusedBy(t *testing.T, what string, err error, limit string) {
	t.Helper()
	var me *models.Error
	if models.ErrorCode(err) != models.ETHROTTLED || !errors.As(err, &me) || me.RetryAfter < time.Second {
		t.Fatalf("%s: %v, want ETHROTTLED with Retry-After", what, err)
	}
	if got := RefusedLimit(err); got != limit {
		t.Fatalf("%s: refused by %q, want %q", what, got, limit)
	}
}

// Item 1 of issue 8: the attempt is counted before the password is checked, in
// one atomic step, so parallel guesses cannot all pass a check that counts later.
func TestThrottleReservesAtomically(t *testing.T) {
	t.Parallel()
	cs, _ := counters(t)
	for name, counter := range cs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			th := NewThrottle(counter, ThrottleRules{
				LoginPerIP:      ThrottleRule{Limit: 7, Window: time.Minute},
				LoginPerAccount: ThrottleRule{Limit: 5, Window: time.Minute},
				LoginPerDevice:  ThrottleRule{Limit: 3, Window: time.Minute},
			})
			race := func(n int, attempt func(i int) LoginAttempt) (allowed int, refusedBy map[string]int) {
				var mu sync.Mutex
				var wg sync.WaitGroup
				refusedBy = map[string]int{}
				start := make(chan struct{})
				for i := 0; i < n; i++ {
					wg.Go(func() {
						<-start
						_, err := th.ReserveLogin(context.Background(), attempt(i))
						mu.Lock()
						defer mu.Unlock()
						if err == nil {
							allowed++
						} else if limit := RefusedLimit(err); limit != "" {
							refusedBy[limit]++
						} else {
							t.Error(err)
						}
					})
				}
				close(start)
				wg.Wait()
				return allowed, refusedBy
			}
			// One account from 30 addresses: its limit of 5, whatever the timing.
			allowed, refused := race(30, func(i int) LoginAttempt {
				return LoginAttempt{IP: "10.1.0." + strconv.Itoa(i), Email: "victim@example.com"}
			})
			if allowed != 5 || refused[LimitAccount] != 25 {
				t.Errorf("30 parallel attempts on one account, limit 5: %d allowed, refused %v", allowed, refused)
			}
			// One address against 30 accounts: its limit of 7.
			allowed, refused = race(30, func(i int) LoginAttempt {
				return LoginAttempt{IP: "10.2.0.1", Email: "user" + strconv.Itoa(i) + "@example.com"}
			})
			if allowed != 7 || refused[LimitIP] != 23 {
				t.Errorf("30 parallel attempts from one IP, limit 7: %d allowed, refused %v", allowed, refused)
			}
			// One known device: its own limit of 3.
			allowed, refused = race(30, func(i int) LoginAttempt {
				return LoginAttempt{IP: "10.3.0." + strconv.Itoa(i), Email: "owner@example.com", Device: "dev-1"}
			})
			if allowed != 3 || refused[LimitDevice] != 27 {
				t.Errorf("30 parallel attempts from one device, limit 3: %d allowed, refused %v", allowed, refused)
			}
			t.Logf("%s: 30 parallel attempts: 5 reach the password check for one account, 7 for one IP, 3 for one device", name)
		})
	}
}

// Item 2 of issue 8: a browser that logged in to the account before is not
// locked out by failures from elsewhere, but has a smaller limit of its own.
func TestThrottleKnownDevice(t *testing.T) {
	t.Parallel()
	cs, _ := counters(t)
	for name, counter := range cs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			th := NewThrottle(counter, ThrottleRules{
				LoginPerIP:      ThrottleRule{Limit: 100, Window: time.Minute},
				LoginPerAccount: ThrottleRule{Limit: 3, Window: time.Minute},
				LoginPerDevice:  ThrottleRule{Limit: 2, Window: time.Minute},
			})
			owner := LoginAttempt{IP: "10.0.0.1", Email: "owner@example.com", Device: "owners-laptop"}
			attacker := LoginAttempt{IP: "10.0.0.66", Email: "owner@example.com"}
			for range 3 {
				_, err := th.ReserveLogin(ctx, attacker) // each a wrong password: the reservation stays
				mustOK(t, err)
			}
			_, err := th.ReserveLogin(ctx, attacker)
			assertRefusedBy(t, "unknown browser after the account's limit", err, LimitAccount)
			fresh := owner
			fresh.Device = ""
			_, err = th.ReserveLogin(ctx, fresh)
			assertRefusedBy(t, "the owner on a browser the account does not know", err, LimitAccount)

			// The known device fails once, then logs in: that ends the account's lock too.
			_, err = th.ReserveLogin(ctx, owner)
			mustOK(t, err)
			r, err := th.ReserveLogin(ctx, owner)
			mustOK(t, err)
			mustOK(t, r.Succeeded(ctx))
			_, err = th.ReserveLogin(ctx, attacker)
			mustOK(t, err)

			// A device that fails too often loses its exemption for its window.
			for range 2 {
				_, err := th.ReserveLogin(ctx, owner)
				mustOK(t, err)
			}
			_, err = th.ReserveLogin(ctx, owner)
			assertRefusedBy(t, "known device after its own limit", err, LimitDevice)
		})
	}
}

// Successes are not failures: they give the IP its count back. Attempts that
// never reached the password (Release) give everything back.
func TestThrottleSettlesReservations(t *testing.T) {
	t.Parallel()
	cs, _ := counters(t)
	for name, counter := range cs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			th := NewThrottle(counter, ThrottleRules{
				LoginPerIP:      ThrottleRule{Limit: 2, Window: time.Minute},
				LoginPerAccount: ThrottleRule{Limit: 2, Window: time.Minute},
				LoginPerDevice:  ThrottleRule{Limit: 2, Window: time.Minute},
			})
			a := LoginAttempt{IP: "10.0.0.1", Email: "a@example.com"}
			for range 5 {
				r, err := th.ReserveLogin(ctx, a)
				mustOK(t, err)
				mustOK(t, r.Succeeded(ctx))
			}
			for range 5 {
				r, err := th.ReserveLogin(ctx, a)
				mustOK(t, err)
				r.Release(ctx)
			}
			_, err := th.ReserveLogin(ctx, a)
			mustOK(t, err)
			_, err = th.ReserveLogin(ctx, LoginAttempt{IP: "10.0.0.1", Email: "b@example.com"})
			mustOK(t, err)
			_, err = th.ReserveLogin(ctx, LoginAttempt{IP: "10.0.0.1", Email: "c@example.com"})
			assertRefusedBy(t, "IP after two failures", err, LimitIP)
		})
	}
}

// Item 3 of issue 8: user input never becomes a key as it is. IPv6 clients are
// counted by their /64.
func TestThrottleKeys(t *testing.T) {
	t.Parallel()
	cs, rc := counters(t)
	ctx := context.Background()
	th := NewThrottle(cs["redis"], ThrottleRules{
		LoginPerIP:      ThrottleRule{Limit: 2, Window: time.Minute},
		LoginPerAccount: ThrottleRule{Limit: 10, Window: time.Minute},
		LoginPerDevice:  ThrottleRule{Limit: 10, Window: time.Minute},
		SignupPerIP:     ThrottleRule{Limit: 10, Window: time.Minute},
	})
	huge := strings.Repeat("x", 1<<20) + "@example.com"
	_, err := th.ReserveLogin(ctx, LoginAttempt{IP: strings.Repeat("9", 1<<16), Email: huge, Device: huge})
	mustOK(t, err)
	mustOK(t, th.Signup(ctx, huge))
	keys, err := rc.Client.Keys(ctx, rc.Prefix+"*").Result()
	mustOK(t, err)
	if len(keys) != 3 {
		t.Fatalf("keys %v, want 3 (login IP, login device, sign-up IP)", keys)
	}
	for _, k := range keys {
		if len(k) > len(rc.Prefix)+64 || strings.Contains(k, "xxx") || strings.Contains(k, "999") {
			t.Errorf("key %.100q holds user input", k)
		}
	}

	for _, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::2"} {
		_, err := th.ReserveLogin(ctx, LoginAttempt{IP: ip, Email: "v6-" + ip + "@example.com"})
		mustOK(t, err)
	}
	_, err = th.ReserveLogin(ctx, LoginAttempt{IP: "2001:db8:1:2::3", Email: "v6@example.com"})
	assertRefusedBy(t, "third address of one IPv6 /64", err, LimitIP)
	_, err = th.ReserveLogin(ctx, LoginAttempt{IP: "2001:db8:1:3::1", Email: "v6@example.com"})
	mustOK(t, err)
}

func TestThrottleMessageSaysWhenToTryAgain(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                               "1 second",
		1500 * time.Millisecond:         "2 seconds",
		time.Minute:                     "60 seconds",
		61 * time.Second:                "2 minutes",
		14*time.Minute + 59*time.Second: "15 minutes",
		3 * time.Hour:                   "3 hours",
	} {
		err := throttled(LimitAccount, d)
		if msg := models.ErrorMessage(err); msg != "Too many attempts. Try again in "+want+"." {
			t.Errorf("retry after %v: %q, want %q", d, msg, want)
		}
	}
}

// The throttle counts in Redis and fails closed: while Redis is stopped or hung,
// every reservation and settlement is EUNAVAILABLE, never a pass (Fiber's
// limiter would fail open here), and each answer comes within the client's
// short timeouts.
func TestThrottleFailsClosed(t *testing.T) {
	t.Parallel()
	srv := testenv.StartRedis(t)
	rdb, err := OpenRedis(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	rules := ThrottleRules{
		LoginPerIP:      ThrottleRule{Limit: 3, Window: time.Minute},
		LoginPerAccount: ThrottleRule{Limit: 2, Window: time.Minute},
		LoginPerDevice:  ThrottleRule{Limit: 2, Window: time.Minute},
		SignupPerIP:     ThrottleRule{Limit: 1, Window: time.Minute},
	}
	th := NewThrottle(RedisCounter{Client: rdb, Prefix: "t:"}, rules)
	ctx := context.Background()
	reserve := func(ip, email string) (*LoginReservation, error) {
		return th.ReserveLogin(ctx, LoginAttempt{IP: ip, Email: email})
	}

	// Working Redis: the limits hold, per account and per IP, and success resets the account.
	r, err := reserve("10.0.0.1", "a@example.com")
	mustOK(t, err)
	mustOK(t, r.Succeeded(ctx))
	_, err = reserve("10.0.0.1", "a@example.com")
	mustOK(t, err)
	r, err = reserve("10.0.0.2", "a@example.com")
	mustOK(t, err)
	_, err = reserve("10.0.0.3", "a@example.com")
	assertRefusedBy(t, "account over its limit", err, LimitAccount)
	_, err = reserve("10.0.0.1", "b@example.com") // IP 10.0.0.1: second failure
	mustOK(t, err)
	_, err = reserve("10.0.0.1", "c@example.com") // third
	mustOK(t, err)
	_, err = reserve("10.0.0.1", "d@example.com")
	assertRefusedBy(t, "IP over its limit", err, LimitIP)
	mustOK(t, th.Signup(ctx, "10.0.0.9"))
	assertRefusedBy(t, "sign-up over the limit", th.Signup(ctx, "10.0.0.9"), LimitIP)

	for _, mode := range []string{"stopped", "hung"} {
		if mode == "stopped" {
			srv.Stop(t)
		} else {
			srv.Pause(t)
		}
		calls := map[string]func(context.Context) error{
			"ReserveLogin": func(ctx context.Context) error { _, err := reserve("10.0.0.7", "d@example.com"); return err },
			"Succeeded":    func(ctx context.Context) error { return r.Succeeded(ctx) },
			"Signup":       func(ctx context.Context) error { return th.Signup(ctx, "10.0.0.7") },
		}
		for name, call := range calls {
			start := time.Now()
			err := call(ctx) // no deadline of ours: the client's own timeouts must end it
			if models.ErrorCode(err) != models.EUNAVAILABLE {
				t.Errorf("Redis %s: %s = %v, want EUNAVAILABLE", mode, name, err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Redis %s: %s took %v", mode, name, took)
			}
		}
		start := time.Now()
		r.Release(ctx) // best effort, and bounded
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Redis %s: Release took %v", mode, took)
		}
		if mode == "stopped" {
			srv.Start(t)
		} else {
			srv.Resume(t)
		}
	}
	// Back: the counts survived the restart (append-only file) and still apply.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := reserve("10.0.0.3", "a@example.com")
		if models.ErrorCode(err) == models.ETHROTTLED {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Redis came back: %v, want ETHROTTLED", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
