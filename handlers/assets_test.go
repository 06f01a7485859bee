package handlers_test

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/handlers"
)

// assetLinks returns the stylesheet, script and icon URLs a page links to.
func assetLinks(t *testing.T, r *response) map[string]string {
	t.Helper()
	doc := r.doc(t)
	links := map[string]string{}
	for name, sel := range map[string]string{
		"css":  `link[rel="stylesheet"]`,
		"htmx": `script[src*="/htmx."]`,
		"js":   `script[src*="/app."]`,
		"icon": `link[rel="icon"][type="image/svg+xml"]`,
		"ico":  `link[rel="icon"][href$=".ico"]`,
	} {
		attr := "src"
		if strings.HasPrefix(sel, "link") {
			attr = "href"
		}
		href, ok := doc.Find(sel).Attr(attr)
		if !ok {
			t.Fatalf("the page has no %s (%s)", name, sel)
		}
		links[name] = href
	}
	return links
}

// changedAssets is the embedded files with app.css and app.js edited, as the
// next release would have them.
func changedAssets(t *testing.T) fs.FS {
	t.Helper()
	next := fstest.MapFS{}
	err := fs.WalkDir(assets.Files(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.Files(), name)
		if name == "app.css" || name == "app.js" {
			b = append(b, "\n/* next release */\n"...)
		}
		next[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// During a rolling deploy, a page from one release must never get another
// release's CSS or JS under its URLs: each instance serves only the hashes it
// has, for a year, and answers 404 (uncacheable) for any other.
func TestHashedAssetURLsNameOneContent(t *testing.T) {
	old := newShop(t)
	next := newShop(t, func(d *handlers.Deps) { d.Assets = changedAssets(t) })
	oldLinks := assetLinks(t, old.client().get("/products"))
	newLinks := assetLinks(t, next.client().get("/products"))

	for name, href := range oldLinks {
		if name == "ico" {
			if href != "/favicon.ico" {
				t.Fatalf("ICO link %q, want /favicon.ico", href)
			}
			continue
		}
		if !strings.HasPrefix(href, "/assets/") || strings.Contains(href, "?") {
			t.Fatalf("%s: %q is not a local path with the hash in the file name", name, href)
		}
		r := old.client().get(href)
		expectStatus(t, r, http.StatusOK)
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Fatalf("%s: Cache-Control %q", href, cc)
		}
		if len(r.body) < 100 {
			t.Fatalf("%s: %d bytes", href, len(r.body))
		}
		cond := http.Header{"If-None-Match": {r.Header.Get("ETag")}}
		expectStatus(t, old.client().do(http.MethodGet, href, nil, cond), http.StatusNotModified)
	}

	// The edited files get new URLs; the unchanged ones keep theirs.
	for name, changed := range map[string]bool{"css": true, "js": true, "htmx": false, "icon": false} {
		if (oldLinks[name] != newLinks[name]) != changed {
			t.Fatalf("%s: old release links %q, new one %q", name, oldLinks[name], newLinks[name])
		}
	}
	for _, name := range []string{"css", "js"} {
		for _, tc := range []struct {
			instance *shop
			href     string
		}{{old, newLinks[name]}, {next, oldLinks[name]}} {
			r := tc.instance.client().get(tc.href)
			expectStatus(t, r, http.StatusNotFound)
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Fatalf("404 for %s has Cache-Control %q: a cache could keep it", tc.href, cc)
			}
		}
	}
	css := next.client().get(newLinks["css"])
	expectStatus(t, css, http.StatusOK)
	if !strings.HasSuffix(css.body, "/* next release */\n") {
		t.Fatal("the new CSS URL does not serve the new CSS")
	}
	for _, bad := range []string{"/assets/app.000000000000.css", "/assets/app.css.map", "/assets/nothing.js"} {
		expectStatus(t, old.client().get(bad), http.StatusNotFound)
	}
}

// The plain names always serve the current file, so they must be revalidated.
func TestUnhashedAssetsRevalidate(t *testing.T) {
	s := newShop(t)
	c := s.client()
	for path, contentType := range map[string]string{
		"/assets/app.css":     "text/css; charset=utf-8",
		"/assets/htmx.min.js": "text/javascript; charset=utf-8",
		"/assets/app.js":      "text/javascript; charset=utf-8",
		"/assets/icon.svg":    "image/svg+xml",
	} {
		r := c.get(path)
		expectStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != contentType {
			t.Fatalf("%s: Content-Type %q, want %q", path, ct, contentType)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Fatalf("%s: Cache-Control %q, want no-cache", path, cc)
		}
		expectStatus(t, c.do(http.MethodGet, path, nil, http.Header{"If-None-Match": {r.Header.Get("ETag")}}), http.StatusNotModified)
	}
}

// Browsers ask for /favicon.ico on a first visit whatever the page says; the
// layout links it and an SVG icon.
func TestFavicon(t *testing.T) {
	s := newShop(t)
	c := s.client()
	links := assetLinks(t, c.get("/"))
	ico := c.get(links["ico"])
	expectStatus(t, ico, http.StatusOK)
	if ct := ico.Header.Get("Content-Type"); ct != "image/x-icon" {
		t.Fatalf("/favicon.ico: Content-Type %q", ct)
	}
	if !strings.HasPrefix(ico.body, "\x00\x00\x01\x00") {
		t.Fatalf("/favicon.ico is not an ICO file: % x", ico.body[:min(8, len(ico.body))])
	}
	if cc := ico.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") || strings.Contains(cc, "immutable") {
		t.Fatalf("/favicon.ico: Cache-Control %q (its path has no hash)", cc)
	}
	svg := c.get(links["icon"])
	expectStatus(t, svg, http.StatusOK)
	if ct := svg.Header.Get("Content-Type"); ct != "image/svg+xml" || !strings.Contains(svg.body, "<svg") {
		t.Fatalf("%s: Content-Type %q, body %.80q", links["icon"], ct, svg.body)
	}
}
