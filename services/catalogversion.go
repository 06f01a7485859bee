package services

import (
	"context"
	"crypto/rand"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// The catalogue version names the current state of the products. Every product
// write changes it in the write's own transaction (see Catalog.CreateProduct),
// so anything derived from products — the rendered list and product pages the
// handlers cache — is valid only while the version it was made under is current.
// It lives in the database rather than in Redis or memory because:
//   - every instance sharing the database sees a write at once, with no window
//     between the commit and an invalidation that could fail on its own;
//   - a cached page is only served while the database answers, so a database
//     outage is a 503 on every catalogue page, as for any other page that needs it;
//   - the embedded SQLite default works the same way.
//
// The version is a counter and a random token, and each write sets a new token:
// a counter alone repeats after a database restore or a failover to a replica
// that lagged (the next writes count up to numbers that already named other
// catalogues, whose pages an instance may still hold), a fresh 128-bit token
// does not. The counter still counts, for apps of the previous release during a
// rolling deploy, which increment only it.

// readCatalogVersion reads the version row.
func readCatalogVersion(ctx context.Context, db bun.IDB) (string, error) {
	var counter int64
	var token string
	if err := db.NewSelect().Table("catalog_version").Column("version", "token").Where("id = 1").Scan(ctx, &counter, &token); err != nil {
		return "", dbError("catalog version: read", err)
	}
	return strconv.FormatInt(counter, 10) + "." + token, nil
}

// bumpCatalogVersion gives the catalogue a new version inside tx.
func bumpCatalogVersion(ctx context.Context, tx bun.Tx) error {
	_, err := tx.NewUpdate().Table("catalog_version").
		Set("version = version + 1").Set("token = ?", rand.Text()).
		Where("id = 1").Exec(ctx)
	if err != nil {
		return dbError("catalog version: bump", err)
	}
	return nil
}

// coalescedVersion shares one database read among all the requests that asked for
// the version before that read started. Every caller still gets a value read after
// it called (so it sees every product write committed before its request), but
// under load one round trip answers many requests instead of one.
type coalescedVersion struct {
	read    func(ctx context.Context) (string, error)
	mu      sync.Mutex
	next    *versionRead // not started yet: new callers join it
	reading bool         // a goroutine is running reads
}

type versionRead struct {
	done    chan struct{}
	version string
	err     error
}

// versionReadTimeout bounds one shared read.
const versionReadTimeout = 2 * time.Second

// Current returns the version, or an error when the database did not answer in
// time (the caller's deadline or versionWait, whichever comes first).
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

// versionWait is how long a page waits for the version before it stops relying
// on the cache; it then queries the database itself under the request deadline.
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
		r.version, r.err = v.read(ctx)
		cancel()
		close(r.done)
	}
}
