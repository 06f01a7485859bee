package blackbox

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// 200 concurrent connections for a bounded time get no 5xx and no transport
// errors, the database pool stays within its bound, and concurrent product
// creation from several sessions loses no write.
func TestLoad(t *testing.T) {
	t.Parallel()
	const conns, duration = 200, 5 * time.Second
	b := sharedBackends(t)
	a := startApp(t, b, map[string]string{"SEED_DEMO": "true"})
	db := openSQL(t, b.DatabaseURL)
	users := make([]*client, 4)
	for i := range users {
		users[i], _ = newUser(t, a)
		users[i].get("/products/new")
	}
	productsBefore := countRows(t, db, `SELECT count(*) FROM products`)

	// Writers: each session creates its share of products while the readers run.
	const perUser = 25
	var writes sync.WaitGroup
	var writeFailures atomic.Int64
	for _, u := range users {
		writes.Add(1)
		go func() {
			defer writes.Done()
			for i := 0; i < perUser; i++ {
				r, err := u.try(http.MethodPost, "/products", stringsReader(url.Values{"_csrf": {u.csrf},
					"name": {"Load " + strconv.Itoa(i)}, "description": {"made under load"}, "price": {"9.99"}}),
					http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
				if err != nil || r.Status != http.StatusSeeOther {
					writeFailures.Add(1)
				}
			}
		}()
	}

	// Readers: 200 connections (one each, kept alive) loading catalogue pages.
	tr := &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var total, serverErrors, transportErrors atomic.Int64
	var firstErr atomic.Value
	paths := []string{"/", "/products", "/products?page=2", "/products/1", "/products/5", "/healthz"}
	var readers sync.WaitGroup
	for i := 0; i < conns; i++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for j := i; ctx.Err() == nil; j++ {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.base+paths[j%len(paths)], nil)
				res, err := hc.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						transportErrors.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
					continue
				}
				drain(res)
				total.Add(1)
				if res.StatusCode >= 500 {
					serverErrors.Add(1)
				}
			}
		}()
	}
	// Meanwhile, watch the database pool.
	maxConns, maxJobConns := 0, 0
	for ctx.Err() == nil {
		n := countRows(t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'storefront'`)
		maxConns = max(maxConns, n)
		n = countRows(t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'storefront-jobs'`)
		maxJobConns = max(maxJobConns, n)
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	readers.Wait()
	writes.Wait()

	if serverErrors.Load() > 0 || transportErrors.Load() > 0 {
		t.Errorf("%d connections for %v: %d responses, %d of them 5xx, %d transport errors (first: %v)",
			conns, duration, total.Load(), serverErrors.Load(), transportErrors.Load(), firstErr.Load())
	}
	if total.Load() == 0 {
		t.Fatalf("no responses under load")
	}
	if bound := 4 * runtime.GOMAXPROCS(0); maxConns > bound {
		t.Errorf("app held %d database connections for pages, pool bound is %d", maxConns, bound)
	}
	if bound := 4; maxJobConns > bound { // the job runner's own pool (services.jobsPoolConns)
		t.Errorf("app held %d database connections for jobs, pool bound is %d", maxJobConns, bound)
	}
	if writeFailures.Load() > 0 {
		t.Errorf("%d product creations failed under load", writeFailures.Load())
	}
	want := productsBefore + len(users)*perUser
	if n := countRows(t, db, `SELECT count(*) FROM products`); n != want {
		t.Errorf("products after concurrent creation: %d, want exactly %d", n, want)
	}
	t.Logf("load: %d connections for %v: %d responses (%.0f/s), 0 5xx, 0 transport errors; at most %d database connections; %d products created concurrently by %d sessions, %d rows",
		conns, duration, total.Load(), float64(total.Load())/duration.Seconds(), maxConns, len(users)*perUser, len(users), want-productsBefore)
}
