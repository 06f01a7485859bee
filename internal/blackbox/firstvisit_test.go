package blackbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// What a first-time visitor's browser asks for, on a shop run the simplest way
// (no Redis: sessions in memory): every asset the page links to, with a cache
// lifetime that fits its URL, the icon, and one address for each page.
func TestFirstVisit(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	b.RedisURL = "" // sessions in memory
	a := startApp(t, b, map[string]string{"SEED_DEMO": "true"})
	c := newClient(t, a)
	home := c.get("/")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(home.Body))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ReadinessSaysSessionsAreInMemory", func(t *testing.T) {
		r := c.get("/readyz")
		var body map[string]string
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil || r.Status != http.StatusOK {
			t.Fatalf("/readyz %d %s", r.Status, r.Body)
		}
		if body["redis"] != "memory" {
			t.Fatalf(`/readyz says redis %q with no Redis configured, want "memory": %s`, body["redis"], r.Body)
		}
	})

	t.Run("HashedAssets", func(t *testing.T) {
		hashed := regexp.MustCompile(`^/assets/([a-z.]+)\.([0-9a-f]{12})\.(css|js|svg)$`)
		var links []string
		doc.Find(`link[rel="stylesheet"], link[rel="icon"][type="image/svg+xml"]`).Each(func(_ int, s *goquery.Selection) {
			links = append(links, s.AttrOr("href", ""))
		})
		doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("src", "")) })
		if len(links) != 4 {
			t.Fatalf("links %v: want the stylesheet, two scripts and the SVG icon", links)
		}
		for _, href := range links {
			m := hashed.FindStringSubmatch(href)
			if m == nil {
				t.Fatalf("%q does not carry the content hash in its file name", href)
			}
			r := c.get(href)
			if r.Status != http.StatusOK || len(r.Body) < 100 || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Fatalf("GET %s: %d, %d bytes, Cache-Control %q", href, r.Status, len(r.Body), r.Header.Get("Cache-Control"))
			}
			// Another release's hash for the same file: not this content, and not cached.
			other := "/assets/" + m[1] + "." + strings.Repeat("0", 12) + "." + m[3]
			if r := c.get(other); r.Status != http.StatusNotFound || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("GET %s: %d, Cache-Control %q; want 404, no-store", other, r.Status, r.Header.Get("Cache-Control"))
			}
			// The plain name serves the current file, revalidated every time.
			plain := "/assets/" + m[1] + "." + m[3]
			if r := c.get(plain); r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("GET %s: %d, Cache-Control %q", plain, r.Status, r.Header.Get("Cache-Control"))
			}
		}
	})

	t.Run("Favicon", func(t *testing.T) {
		if href := doc.Find(`link[rel="icon"][href="/favicon.ico"]`).Length(); href != 1 {
			t.Fatal("the layout does not link /favicon.ico")
		}
		r := c.get("/favicon.ico")
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(r.Body, "\x00\x00\x01\x00") {
			t.Fatalf("/favicon.ico: %d %q, %.20q", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	})

	t.Run("OneAddressPerPage", func(t *testing.T) {
		for _, path := range []string{"/products/1", "/products?page=2"} {
			if r := c.get(path); r.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, r.Status)
			}
		}
		for _, path := range []string{"/products/01", "/products/+1", "/products/1/", "/PRODUCTS/1",
			"/products?page=", "/products?page=abc", "/products?page=0", "/products?page=-1", "/products?page=01", "/products?page=3"} {
			if r := c.get(path); r.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, r.Status)
			}
		}
		page2, err := goquery.NewDocumentFromReader(strings.NewReader(c.get("/products?page=2").Body))
		if err != nil {
			t.Fatal(err)
		}
		if got := page2.Find("title").Text(); got != "Products – page 2 · Storefront" {
			t.Fatalf("page 2 title %q", got)
		}
	})
}
