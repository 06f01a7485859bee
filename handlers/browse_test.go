package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
)

// seedProducts inserts n products by one seller, created a minute apart, and
// returns them oldest first.
func (s *shop) seedProducts(n int) []models.Product {
	s.t.Helper()
	ctx := context.Background()
	seller := &models.User{Email: uniqueEmail(), PasswordHash: "!", CreatedAt: time.Now()}
	if _, err := s.db.NewInsert().Model(seller).Returning("id").Exec(ctx); err != nil {
		s.t.Fatal(err)
	}
	start := time.Now().Add(-time.Duration(n) * time.Minute).UTC().Truncate(time.Second)
	products := make([]models.Product, n)
	for i := range products {
		products[i] = models.Product{SellerID: seller.ID, Name: fmt.Sprintf("Product %02d", i+1),
			Description: "About product " + strconv.Itoa(i+1), PriceCents: int64(100 + i), CreatedAt: start.Add(time.Duration(i) * time.Minute)}
	}
	if _, err := s.db.NewInsert().Model(&products).Returning("id").Exec(ctx); err != nil {
		s.t.Fatal(err)
	}
	return products
}

func TestGuestBrowsing(t *testing.T) {
	s := newShop(t)
	products := s.seedProducts(15)
	guest := s.client()
	keysBefore := s.redisKeys()

	for _, path := range []string{"/", "/products"} {
		t.Run("List "+path, func(t *testing.T) {
			resp := guest.get(path)
			expectStatus(t, resp, http.StatusOK)
			names := resp.doc(t).Find("#products h2").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
			if len(names) != models.ProductsPerPage || names[0] != "Product 15" || names[11] != "Product 04" {
				t.Fatalf("page 1 shows %v; want Product 15 … Product 04, newest first", names)
			}
			next, ok := resp.doc(t).Find(`a[rel="next"]`).Attr("href")
			if !ok || next != "/products?page=2" {
				t.Fatalf("next link %q", next)
			}
			if resp.doc(t).Find(`a[rel="prev"]`).Length() != 0 {
				t.Fatal("page 1 has a previous link")
			}
		})
	}

	t.Run("SecondPage", func(t *testing.T) {
		resp := guest.get("/products?page=2")
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		if got := doc.Find("#products li").Length(); got != 3 {
			t.Fatalf("page 2 has %d products, want 3", got)
		}
		if href, _ := doc.Find(`a[rel="prev"]`).Attr("href"); href != "/products" {
			t.Fatalf("previous link %q", href)
		}
		if doc.Find(`a[rel="next"]`).Length() != 0 {
			t.Fatal("last page has a next link")
		}
		expectStatus(t, guest.get("/products?page=3"), http.StatusNotFound)
		expectStatus(t, guest.get("/products?page=abc"), http.StatusNotFound) // not a page number: no page (TestOneAddressPerPage)
	})

	t.Run("Detail", func(t *testing.T) {
		p := products[4]
		resp := guest.get("/products/" + strconv.FormatInt(p.ID, 10))
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		if got := doc.Find("h1").Text(); got != p.Name {
			t.Fatalf("h1 %q, want %q", got, p.Name)
		}
		for _, want := range []string{p.Description, models.FormatPrice(p.PriceCents), p.CreatedAt.Format("January 2, 2006")} {
			if !strings.Contains(doc.Find("main").Text(), want) {
				t.Errorf("detail page lacks %q", want)
			}
		}
	})

	t.Run("UnknownOrMalformedID", func(t *testing.T) {
		for _, path := range []string{"/products/999999", "/products/0", "/products/-1", "/products/abc", "/products/1.5",
			"/products/99999999999999999999999", "/products/%00", "/nowhere"} {
			resp := guest.get(path)
			expectStatus(t, resp, http.StatusNotFound)
			if !strings.Contains(resp.body, `<nav id="nav"`) || !strings.Contains(resp.body, "Error 404") {
				t.Fatalf("%s: not the 404 page:\n%.500s", path, resp.body)
			}
		}
	})

	t.Run("NoSessionForBrowsingGuests", func(t *testing.T) {
		if len(guest.cookies) != 0 {
			t.Fatalf("browsing set cookies %v", guest.cookies)
		}
		if after := s.redisKeys(); after != keysBefore {
			t.Fatalf("browsing wrote %d Redis keys", after-keysBefore)
		}
		resp := guest.get("/products")
		if strings.Contains(resp.body, "csrf-token") || resp.Header.Get("Set-Cookie") != "" {
			t.Fatal("a guest's product page carries a session or token")
		}
	})

	t.Run("GuestNav", func(t *testing.T) {
		resp := guest.get("/products/" + strconv.FormatInt(products[0].ID, 10) + "?ref=x")
		nav := resp.doc(t).Find("nav#nav")
		href, _ := nav.Find(`a:contains("Log in")`).Attr("href")
		if want := "/login?next=" + url.QueryEscape("/products/"+strconv.FormatInt(products[0].ID, 10)+"?ref=x"); href != want {
			t.Fatalf("Log in link %q, want %q", href, want)
		}
		if nav.Find(`a[href="/signup"]`).Length() != 1 || nav.Find(`form[action="/logout"]`).Length() != 0 {
			t.Fatal("guest nav must link to /signup and have no logout form")
		}
	})
}

func TestTextIsEscaped(t *testing.T) {
	s := newShop(t)
	c, _ := s.signedIn()
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	resp := c.post("/products", url.Values{"name": {evil}, "description": {evil}, "price": {"1"}})
	expectStatus(t, resp, http.StatusSeeOther)
	page := c.get(resp.Header.Get("Location"))
	if strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "<img src=x") {
		t.Fatal("user text rendered as HTML")
	}
	if !strings.Contains(page.body, "&lt;script&gt;") {
		t.Fatal("escaped text missing from the page")
	}
}

func TestProbes(t *testing.T) {
	s := newShop(t)
	c := s.client()
	if r := c.get("/healthz"); r.StatusCode != http.StatusOK || r.body != "ok" {
		t.Fatalf("/healthz: %d %q", r.StatusCode, r.body)
	}
	r := c.get("/readyz")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, `"status":"ok"`) {
		t.Fatalf("/readyz: %d %s", r.StatusCode, r.body)
	}
}

func TestAssets(t *testing.T) {
	s := newShop(t)
	c := s.client()
	page := c.get("/products")
	for _, sel := range []string{`link[rel="stylesheet"]`, `script[src*="htmx"]`, `script[src*="/app."]`} {
		attr := "src"
		if strings.HasPrefix(sel, "link") {
			attr = "href"
		}
		src, ok := page.doc(t).Find(sel).Attr(attr)
		if !ok || !strings.HasPrefix(src, "/assets/") || strings.Count(src, ".") < 2 {
			t.Fatalf("%s: %q is not a local, versioned asset", sel, src)
		}
		r := c.get(src)
		expectStatus(t, r, http.StatusOK)
		if len(r.body) < 100 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("%s: %d bytes, Cache-Control %q", src, len(r.body), r.Header.Get("Cache-Control"))
		}
		notModified := c.do(http.MethodGet, src, nil, http.Header{"If-None-Match": {r.Header.Get("ETag")}})
		expectStatus(t, notModified, http.StatusNotModified)
	}
	if r := c.get("/assets/htmx.min.js"); !strings.Contains(r.body, `version:"2.0.11"`) && !strings.Contains(r.body, "2.0.11") {
		t.Fatal("vendored htmx is not 2.0.11")
	}
}
