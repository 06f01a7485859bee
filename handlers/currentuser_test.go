package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// queryLog records the SQL a shop runs, to check how often pages hit the database.
type queryLog struct {
	mu      sync.Mutex
	queries []string
}

func (l *queryLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *queryLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries = append(l.queries, e.Query)
}

func (l *queryLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.queries
	l.queries = nil
	return q
}

func countMatching(queries []string, substr string) int {
	n := 0
	for _, q := range queries {
		if strings.Contains(q, substr) {
			n++
		}
	}
	return n
}

// The nav needs only "who is signed in", which the session holds; the user row is
// loaded only by pages that show more, and then once per request. Every signed-in
// request does check that the account still exists (a session must not outlive
// its user): one primary-key lookup of the id and cart count, shared by
// concurrent requests (services.Accounts.SignedInUser; on PostgreSQL a prepared
// statement that bypasses bun, so only the SQLite form would show here).
func TestCurrentUserLoadedOnlyWhenNeeded(t *testing.T) {
	s := newShop(t)
	log := &queryLog{}
	s.db.AddQueryHook(log)
	c, email := s.signedIn()
	// A seller with a store: a first product's form also suggests a store from
	// the account's email, which is more than naming the user.
	c.createProduct("First product", "1", models.ProductPublished)

	log.take()
	resp := c.get("/products/new")
	expectStatus(t, resp, http.StatusOK)
	if !strings.Contains(resp.body, email) {
		t.Fatal("nav lacks the user's email")
	}
	if q := log.take(); countMatching(q, `FROM "users"`) != 0 {
		t.Fatalf("a page that only names the user queried users beyond the existence check: %v", q)
	}

	expectStatus(t, c.get("/account"), http.StatusOK)
	if q := log.take(); countMatching(q, `FROM "users"`) != 1 {
		t.Fatalf("/account: %d users queries, want one load: %v", countMatching(q, `FROM "users"`), q)
	}
}
