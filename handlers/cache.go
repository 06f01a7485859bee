package handlers

import (
	"bytes"
	"context"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/views"
)

// The product list and product pages are the shop's hot path. Their main content
// shows products only (never the visitor: nav, CSRF token and flash are rendered
// around it per request), so it is rendered once per catalogue version and kept
// as HTML. The version is read from the database on every request (one read shared
// by concurrent requests), and every product write changes it in its own
// transaction: no instance ever serves a page older than the last product write,
// a database outage is a 503 rather than a cached page, and no visitor's data is
// ever in the cache.

// fragment is cached main content with the page title that goes with it, or
// (guestPage) a whole page as every guest gets it, with its ETag.
type fragment struct {
	title string
	html  string
	body  []byte // guest pages only; never modified once cached
	etag  string
	made  time.Time
}

// fragmentCache holds the fragments of one catalogue version; a request that sees
// another version starts a new, empty generation.
type fragmentCache struct {
	mu      sync.RWMutex
	version string
	entries map[string]fragment
}

const (
	// maxFragments bounds memory: list pages and products together. When full,
	// the generation is dropped and refilled (1,000 products need 1,084 entries).
	maxFragments = 8192
	// maxFragmentAge is a backstop only, for products changed in the database by
	// something other than the app (which cannot bump the version); the version
	// does the work.
	maxFragmentAge = time.Minute
)

func newFragmentCache() *fragmentCache {
	return &fragmentCache{entries: map[string]fragment{}}
}

func (fc *fragmentCache) get(version, key string, now time.Time) (fragment, bool) {
	fc.mu.RLock()
	defer fc.mu.RUnlock()
	if fc.version != version {
		return fragment{}, false
	}
	f, ok := fc.entries[key]
	if !ok || now.Sub(f.made) > maxFragmentAge {
		return fragment{}, false
	}
	return f, true
}

func (fc *fragmentCache) put(version, key string, f fragment) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.version != version || len(fc.entries) >= maxFragments {
		fc.version, fc.entries = version, map[string]fragment{}
	}
	fc.entries[key] = f
}

// clear drops everything, for when the version cannot be read: after the storage
// comes back, nothing made before the outage may be trusted.
func (fc *fragmentCache) clear() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.version, fc.entries = "", map[string]fragment{}
}

// catalogPage answers with the cached main content for key, made by build on a
// miss, inside the visitor's own layout. build returns the page title and the
// content component (or an error, which is returned and never cached).
//
// Guests with nothing personal pending (no session cookie, no flash) all get
// the same bytes for a URL, so for the canonical URLs of the page the whole
// response is cached too, with an ETag for conditional requests.
func (s *server) catalogPage(c *fiber.Ctx, key string, canonical []string, build func(ctx context.Context) (string, templ.Component, error)) error {
	ctx := c.UserContext()
	version, verr := s.Catalog.Version(ctx)
	now := time.Now()
	if verr != nil || version == "" {
		// The database did not answer the version read in time: try it directly
		// (a 503 if it is down), cache nothing, and forget what was cached before.
		s.fragments.clear()
		title, content, err := build(ctx)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, views.ProductsLayout(s.page(c, title), content))
	}
	pageKey := ""
	if uri := string(c.Request().RequestURI()); plainGuest(c) && slices.Contains(canonical, uri) {
		pageKey = "page:" + uri
		if f, ok := s.fragments.get(version, pageKey, now); ok {
			return sendGuestPage(c, f)
		}
	}
	f, ok := s.fragments.get(version, key, now)
	if !ok {
		title, content, err := build(ctx)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := content.Render(ctx, &buf); err != nil {
			return err
		}
		f = fragment{title: title, html: buf.String(), made: now}
		s.fragments.put(version, key, f)
	}
	page := views.ProductsLayout(s.page(c, f.title), templ.Raw(f.html))
	if pageKey == "" {
		return render(c, fiber.StatusOK, page)
	}
	var buf bytes.Buffer
	if err := page.Render(ctx, &buf); err != nil {
		return err
	}
	// As old as the content in it, for the age backstop.
	g := fragment{body: buf.Bytes(), etag: etagOf(buf.Bytes()), made: f.made}
	s.fragments.put(version, pageKey, g)
	return sendGuestPage(c, g)
}

// plainGuest reports whether nothing in the response can be personal: no session
// (nor a stale session cookie, which gets a Set-Cookie) and no flash message.
func plainGuest(c *fiber.Ctx) bool {
	st := state(c)
	return st.session == nil && !st.hadCookie && c.Cookies(flashCookie) == ""
}

func sendGuestPage(c *fiber.Ctx, f fragment) error {
	c.Set(fiber.HeaderETag, f.etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Status(fiber.StatusOK)
	c.Type("html", "utf-8")
	c.Response().SetBodyRaw(f.body)
	return nil
}

// etagOf is a strong validator of the body: it changes with any byte of it.
func etagOf(body []byte) string {
	h := fnv.New64a()
	_, _ = h.Write(body)
	return `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// etagMatches applies If-None-Match: a list of tags (weak ones compare by their
// value, RFC 9110 §13.1.2) or "*".
func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}
