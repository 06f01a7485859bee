package services

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// CatalogVersion names the current state of the catalogue. Every product write
// changes it, so anything derived from products (the rendered list and product
// pages the handlers cache) is valid only while the version it was made under is
// still current. Shared storage makes a write on one app instance visible to all
// of them at once; a TTL alone could not promise "never a stale page".
type CatalogVersion interface {
	// Current returns the version now; "" means there is none yet, and nothing
	// may be cached. An error means the storage failed; callers then must not
	// use anything cached either.
	Current(ctx context.Context) (string, error)
	// Bump makes a new version, invalidating everything made under older ones.
	Bump(ctx context.Context) error
	// Init creates a version if there is none, leaving an existing one alone.
	Init(ctx context.Context) error
}

// RedisCatalogVersion keeps the version in one Redis key shared by all instances:
// one GET per cached page (≈30 µs, shared by concurrent requests), instead of a
// database query and a render. Versions are random, not a counter, so that a
// Redis that lost its data can never hand out a version that earlier cache
// entries were made under. Readers never write: guests cost no Redis writes.
type RedisCatalogVersion struct {
	Client *redis.Client
	Key    string // e.g. REDIS_PREFIX + "catalog:version"
}

func (v RedisCatalogVersion) Current(ctx context.Context) (string, error) {
	s, err := v.Client.Get(ctx, v.Key).Result()
	if errors.Is(err, redis.Nil) {
		// Lost (or never made, if Init failed at start-up): uncached until the
		// next product write or app start makes one.
		return "", nil
	}
	if err != nil {
		return "", unavailable("catalog version: get", err)
	}
	return s, nil
}

func (v RedisCatalogVersion) Bump(ctx context.Context) error {
	if err := v.Client.Set(ctx, v.Key, randomToken(), 0).Err(); err != nil {
		return unavailable("catalog version: bump", err)
	}
	return nil
}

func (v RedisCatalogVersion) Init(ctx context.Context) error {
	// SETNX lets instances starting together agree on one value.
	if err := v.Client.SetNX(ctx, v.Key, randomToken(), 0).Err(); err != nil {
		return unavailable("catalog version: init", err)
	}
	return nil
}

// MemoryCatalogVersion is the version for a single instance without Redis (the
// embedded default, where sessions are per-process too).
type MemoryCatalogVersion struct{ n atomic.Uint64 }

func (v *MemoryCatalogVersion) Current(context.Context) (string, error) {
	return strconv.FormatUint(v.n.Load(), 10), nil
}

func (v *MemoryCatalogVersion) Bump(context.Context) error {
	v.n.Add(1)
	return nil
}

func (v *MemoryCatalogVersion) Init(context.Context) error { return nil }

// coalescedVersion shares one storage read among all the requests that asked for
// the version before that read started. Every caller still gets a value read
// after it called (so it sees every product write that finished before its
// request), but under load one Redis GET answers many requests instead of one.
type coalescedVersion struct {
	CatalogVersion
	mu      sync.Mutex
	next    *versionRead // not started yet: new callers join it
	reading bool         // a goroutine is running reads
}

type versionRead struct {
	done    chan struct{}
	version string
	err     error
}

// versionReadTimeout bounds one shared read; the Redis client's own timeouts
// are shorter still.
const versionReadTimeout = 2 * time.Second

func (v *coalescedVersion) Current(ctx context.Context) (string, error) {
	v.mu.Lock()
	if v.next == nil {
		v.next = &versionRead{done: make(chan struct{})}
	}
	r := v.next
	if !v.reading {
		v.reading = true
		go v.readLoop()
	}
	v.mu.Unlock()
	wait := time.NewTimer(versionWait)
	defer wait.Stop()
	select {
	case <-r.done:
		return r.version, r.err
	case <-wait.C:
		return "", unavailable("catalog version", errVersionSlow)
	case <-ctx.Done():
		return "", unavailable("catalog version", ctx.Err())
	}
}

// versionWait is how long a page waits for the version before it gives up on
// the cache and renders from the database: a hung Redis must not hold up guests,
// who need no Redis otherwise.
const versionWait = 250 * time.Millisecond

var errVersionSlow = errors.New("no answer in time")

// readLoop starts the pending read, then the one that filled up meanwhile, and
// stops when no caller is waiting.
func (v *coalescedVersion) readLoop() {
	for {
		// Let the requests that are ready to run join this read first: under
		// load that shares one round trip among many more of them.
		runtime.Gosched()
		v.mu.Lock()
		r := v.next
		v.next = nil
		if r == nil {
			v.reading = false
			v.mu.Unlock()
			return
		}
		v.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), versionReadTimeout)
		r.version, r.err = v.CatalogVersion.Current(ctx)
		cancel()
		close(r.done)
	}
}
