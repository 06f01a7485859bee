package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/services"
)

// twinShops are two app instances on one PostgreSQL database and one Redis
// prefix, as behind a load balancer: each has its own page cache and its own
// Catalog, sharing the database (and with it the catalogue version) and Redis.
func twinShops(t *testing.T) (a, b *shop) {
	t.Helper()
	var deps handlers.Deps
	first := newShop(t, func(d *handlers.Deps) { deps = *d })
	instance := func() *shop {
		d := deps
		d.Catalog = services.NewCatalog(first.db)
		app, err := handlers.NewApp(d)
		if err != nil {
			t.Fatal(err)
		}
		return &shop{t: t, app: app, db: first.db, redis: first.redis, prefix: first.prefix}
	}
	return instance(), instance()
}

// on returns a client of shop s with c's cookies: the same browser, routed to
// another instance.
func (c *client) on(s *shop) *client {
	moved := s.client()
	for k, v := range c.cookies {
		moved.cookies[k] = v
	}
	moved.csrf = c.csrf
	return moved
}

func TestCachedCatalogIsNeverStaleAcrossInstances(t *testing.T) {
	a, b := twinShops(t)
	seller, _ := a.signedIn()
	guestB := b.client()

	// Instance B caches the empty list, and the list after one product.
	if body := guestB.get("/products").body; !strings.Contains(body, "No products here yet") {
		t.Fatalf("fresh shop should be empty:\n%.1500s", body)
	}
	for i, name := range []string{"Walnut bowl", "Linen apron", "Brass hook"} {
		resp := seller.post("/products", url.Values{"name": {name}, "price": {"12.50"}})
		expectStatus(t, resp, http.StatusSeeOther)
		loc := resp.Header.Get("Location")

		// Written through A, visible on B at once: list, detail, and A itself.
		for _, g := range []*client{guestB, a.client()} {
			list := g.get("/products")
			expectStatus(t, list, http.StatusOK)
			if got := list.doc(t).Find("#products li h2").First().Text(); got != name {
				t.Fatalf("after creating %q through A, %s's newest product is %q", name, g.shop.label(a), got)
			}
			if n := list.doc(t).Find("#products li").Length(); n != i+1 {
				t.Fatalf("list has %d products, want %d", n, i+1)
			}
			detail := g.get(loc)
			expectStatus(t, detail, http.StatusOK)
			if got := strings.TrimSpace(detail.doc(t).Find("h1").Text()); got != name {
				t.Fatalf("%s: product page shows %q, want %q", loc, got, name)
			}
		}
	}
	// A product page requested before the product existed is a 404 that is not
	// remembered.
	expectStatus(t, guestB.get("/products/999999"), http.StatusNotFound)
}

// Guests reading cached pages write nothing to Redis (the version is only read).
func TestCachedPagesCostGuestsNoRedisWrites(t *testing.T) {
	a, b := twinShops(t)
	seller, _ := a.signedIn()
	expectStatus(t, seller.post("/products", url.Values{"name": {"Felt hat"}, "price": {"30"}}), http.StatusSeeOther)
	before := a.redisKeys()
	for _, s := range []*shop{a, b} {
		g := s.client()
		for range 2 {
			for _, path := range []string{"/", "/products", "/products?page=1", "/products/1", "/products/424242"} {
				g.get(path)
			}
		}
	}
	if after := a.redisKeys(); after != before {
		t.Fatalf("guest browsing changed the Redis key count from %d to %d", before, after)
	}
}

func (s *shop) label(a *shop) string {
	if s == a {
		return "instance A"
	}
	return "instance B"
}

func TestCachedPagesNeverCarryAnotherVisitorsData(t *testing.T) {
	a, b := twinShops(t)
	alice, aliceEmail := a.signedIn()
	bob, bobEmail := b.signedIn()
	resp := alice.post("/products", url.Values{"name": {"Clay mug"}, "price": {"9.00"}})
	expectStatus(t, resp, http.StatusSeeOther)
	product := resp.Header.Get("Location")
	// Alice's flash ("Your product is live.") is hers alone.
	if body := alice.get(product).body; !strings.Contains(body, "Your product is live.") {
		t.Fatal("seller does not see the flash after creating a product")
	}

	type visitor struct {
		name   string
		c      *client
		email  string // "" for the guest
		others []string
	}
	for _, s := range []*shop{a, b} {
		visitors := []visitor{
			{"guest", s.client(), "", []string{aliceEmail, bobEmail}},
			{"alice", alice.on(s), aliceEmail, []string{bobEmail}},
			{"bob", bob.on(s), bobEmail, []string{aliceEmail}},
			{"guest again", s.client(), "", []string{aliceEmail, bobEmail}},
		}
		for round := 0; round < 2; round++ { // the second round is served from the cache
			for _, path := range []string{"/", "/products", product} {
				for _, v := range visitors {
					r := v.c.get(path)
					expectStatus(t, r, http.StatusOK)
					doc := r.doc(t)
					for _, other := range v.others {
						if strings.Contains(r.body, other) {
							t.Fatalf("%s's %s contains %s", v.name, path, other)
						}
					}
					if strings.Contains(r.body, "Your product is live.") {
						t.Fatalf("%s's %s shows another visitor's flash", v.name, path)
					}
					nav := strings.TrimSpace(doc.Find(`#nav [data-testid="nav-user"]`).Text())
					_, hasToken := doc.Find(`meta[name="csrf-token"]`).Attr("content")
					if v.email == "" {
						if nav != "" || hasToken || strings.Contains(r.body, `name="_csrf"`) {
							t.Fatalf("guest's %s has a user (%q) or a CSRF token", path, nav)
						}
						if cc := r.Header.Get("Cache-Control"); cc == "no-store" {
							t.Fatalf("guest's %s: Cache-Control %q", path, cc)
						}
						continue
					}
					if nav != v.email {
						t.Fatalf("%s's %s names %q in the nav", v.name, path, nav)
					}
					if tok, _ := doc.Find(`meta[name="csrf-token"]`).Attr("content"); tok == "" || tok != v.c.csrf {
						t.Fatalf("%s's %s lacks their own CSRF token", v.name, path)
					}
					if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
						t.Fatalf("%s's %s: Cache-Control %q, want no-store", v.name, path, cc)
					}
				}
			}
		}
	}
}

// Guests get an ETag and a 304 for a page they have, until a product write
// changes the page; signed-in pages have neither.
func TestGuestPagesRevalidate(t *testing.T) {
	a, b := twinShops(t)
	seller, _ := a.signedIn()
	expectStatus(t, seller.post("/products", url.Values{"name": {"Tin box"}, "price": {"4"}}), http.StatusSeeOther)

	guest := b.client()
	first := guest.get("/products")
	expectStatus(t, first, http.StatusOK)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("guest list has no ETag")
	}
	cond := http.Header{"If-None-Match": {etag}}
	again := guest.do(http.MethodGet, "/products", nil, cond)
	expectStatus(t, again, http.StatusNotModified)
	if again.body != "" {
		t.Fatalf("304 with a body: %.200s", again.body)
	}

	expectStatus(t, seller.post("/products", url.Values{"name": {"Pewter jug"}, "price": {"40"}}), http.StatusSeeOther)
	changed := guest.do(http.MethodGet, "/products", nil, cond)
	expectStatus(t, changed, http.StatusOK)
	if !strings.Contains(changed.body, "Pewter jug") || changed.Header.Get("ETag") == etag {
		t.Fatal("after a product write the guest still revalidated the old list")
	}

	// The seller's own page: full response every time, no validator.
	mine := seller.on(b).do(http.MethodGet, "/products", nil, cond)
	expectStatus(t, mine, http.StatusOK)
	if mine.Header.Get("ETag") != "" {
		t.Fatal("a signed-in page has an ETag")
	}
}

// productName is the product name a guest's page shows.
func productName(t *testing.T, r *response) string {
	t.Helper()
	expectStatus(t, r, http.StatusOK)
	return strings.TrimSpace(r.doc(t).Find("main h1").Text())
}

// A version read that is slow (here: the version row locked by another
// transaction) is served by building the page directly, never from the cache;
// and it does not empty the cache for everyone: once the version answers again,
// pages made under it are served again.
func TestSlowVersionReadKeepsTheCache(t *testing.T) {
	s := newShop(t)
	seller, _ := s.signedIn()
	resp := seller.post("/products", url.Values{"name": {"Oak stool"}, "price": {"80"}})
	expectStatus(t, resp, http.StatusSeeOther)
	path := resp.Header.Get("Location")
	guest := s.client()
	if got := productName(t, guest.get(path)); got != "Oak stool" {
		t.Fatalf("product page shows %q", got)
	}

	// A marker the cache cannot know about: the name changed in the database by
	// hand, without a new version. A page built now shows it, a cached one does not.
	ctx := context.Background()
	if _, err := s.db.NewUpdate().Table("products").Set("name = ?", "Oak stool (edited)").Where("name = ?", "Oak stool").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if got := productName(t, guest.get(path)); got != "Oak stool" {
		t.Fatalf("the cached page was not served: %q", got)
	}

	lock, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, "LOCK TABLE catalog_version IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	slow := productName(t, guest.get(path))
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if slow != "Oak stool (edited)" {
		t.Fatalf("without a version, the page came from the cache: %q", slow)
	}
	if got := productName(t, guest.get(path)); got != "Oak stool" {
		t.Fatalf("after a slow version read the cache was emptied: the page was built again (%q)", got)
	}
}

// After the database is restored from a backup, a product write must not give
// the catalogue a version whose pages are still cached, showing products the
// restore took away and hiding the new one.
func TestCacheAfterDatabaseRestore(t *testing.T) {
	s := newShop(t)
	seller, _ := s.signedIn()
	ctx := context.Background()
	var backup map[string]any
	if err := s.db.NewSelect().Table("catalog_version").Where("id = 1").Scan(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, seller.post("/products", url.Values{"name": {"Lost in the restore"}, "price": {"5"}}), http.StatusSeeOther)
	guest := s.client()
	if body := guest.get("/products").body; !strings.Contains(body, "Lost in the restore") {
		t.Fatal("the list lacks the new product")
	}

	// The restore: products and the version row as they were in the backup.
	if _, err := s.db.NewDelete().Table("products").Where("name = ?", "Lost in the restore").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	restore := s.db.NewUpdate().Table("catalog_version").Where("id = 1")
	for column, value := range backup {
		restore = restore.Set("? = ?", bun.Ident(column), value)
	}
	if _, err := restore.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	expectStatus(t, seller.post("/products", url.Values{"name": {"Made after the restore"}, "price": {"6"}}), http.StatusSeeOther)
	body := guest.get("/products").body
	if strings.Contains(body, "Lost in the restore") || !strings.Contains(body, "Made after the restore") {
		t.Fatalf("after the restore and a write the list is a cached page of another catalogue:\n%.2000s", body)
	}
}
