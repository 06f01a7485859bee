package handlers

import (
	"bytes"
	"context"
	"hash/crc32"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	lru "github.com/hashicorp/golang-lru/v2"

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
// (guestPage) a whole page as every guest gets it, with its ETag. It is valid
// only under the catalogue version it was made under.
type fragment struct {
	version string
	head    pageHead
	html    string
	body    []byte // guest pages only; never modified once cached
	etag    string
	made    time.Time
	// tokenParts is main content with forms (the account and cart pages)
	// instead of html: rendered with a random mark where the CSRF token goes
	// and split there (splitAtMark), so no visitor's token is ever cached.
	tokenParts []string
}

// splitAtMark keeps rendered content as the pieces around each mark.
func splitAtMark(rendered []byte, mark string) []string {
	return strings.Split(string(rendered), mark)
}

// withToken is tokenParts' content with token in each form.
func (f fragment) withToken(token string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		escaped := templ.EscapeString(token)
		for i, part := range f.tokenParts {
			if i > 0 {
				if _, err := io.WriteString(w, escaped); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, part); err != nil {
				return err
			}
		}
		return nil
	})
}

// fragmentCache holds fragments by key, each with its version. A new version
// replaces entries as pages are asked for; when full, the least recently used
// entry goes, one at a time, so neither a write nor a burst of rarely seen pages
// empties the cache for everyone.
type fragmentCache struct {
	entries *lru.Cache[string, fragment]
	// seen, when set, holds hashes of the keys most recently asked for and not
	// cached (admit): an entry is kept only when its key is asked for a second
	// time within that window.
	seen *lru.Cache[uint64, struct{}]
	seed maphash.Seed
}

const (
	// maxFragments bounds memory: fragments and whole guest pages together (a
	// shop of 1,000 products has 1,084 pages, so 2,168 entries).
	maxFragments = 8192
	// maxFragmentAge is a backstop only, for products changed in the database by
	// something other than the app (which cannot bump the version); the version
	// does the work.
	maxFragmentAge = time.Minute
)

func newFragmentCache(size int) (*fragmentCache, error) {
	entries, err := lru.New[string, fragment](size)
	if err != nil {
		return nil, err
	}
	return &fragmentCache{entries: entries}, nil
}

// newSecondRequestCache is a fragmentCache that keeps an entry only on the
// second request for its key among the last window keys asked for (admit).
// For a long tail of distinct pages (searches) most pages are asked for once:
// copying such a page into the cache, only for it to be evicted unread, was
// most of the bytes an uncached search allocated. A page asked for twice
// is cached from its second request on.
func newSecondRequestCache(size, window int) (*fragmentCache, error) {
	fc, err := newFragmentCache(size)
	if err != nil {
		return nil, err
	}
	if fc.seen, err = lru.New[uint64, struct{}](window); err != nil {
		return nil, err
	}
	fc.seed = maphash.MakeSeed()
	return fc, nil
}

// admit reports whether a page just built for key (not in the cache) is to be
// kept: always, unless the cache keeps only pages asked for twice
// (newSecondRequestCache) and key was not asked for recently.
func (fc *fragmentCache) admit(key string) bool {
	if fc.seen == nil {
		return true
	}
	seen, _ := fc.seen.ContainsOrAdd(maphash.String(fc.seed, key), struct{}{})
	return seen
}

// get returns the fragment for key if it was made under version, recently.
func (fc *fragmentCache) get(version, key string, now time.Time) (fragment, bool) {
	f, ok := fc.entries.Get(key)
	if !ok || f.version != version || now.Sub(f.made) > maxFragmentAge {
		return fragment{}, false
	}
	return f, true
}

// put keeps f (made under f.version) for key, replacing what key held.
func (fc *fragmentCache) put(key string, f fragment) {
	fc.entries.Add(key, f)
}

// catalogPage answers with the cached main content for key, made by build on a
// miss, inside the visitor's own layout. build returns the page's title and
// meta data (pageHead) and the content component (or an error, which is
// returned and never cached).
//
// Guests with nothing personal pending (no session cookie, no flash) all get
// the same bytes for a URL, so for the canonical URLs of the page the whole
// response is cached too, with an ETag for conditional requests.
func (h *productHandlers) catalogPage(c *fiber.Ctx, key string, canonical []string, build func(ctx context.Context) (pageHead, templ.Component, error)) error {
	return serveCatalogPage(c, catalogPageSource{web: h.web, versions: h.catalog, fragments: h.fragments}, key, canonical, build)
}

// catalogPageSource is what serveCatalogPage needs: the layout plumbing, the
// catalogue version and the cache to keep the page's content in.
type catalogPageSource struct {
	*web
	versions interface {
		Version(ctx context.Context) (string, error)
	}
	fragments *fragmentCache
	// searchText is shown in the nav's search box (search pages).
	searchText string
}

// serveCatalogPage is catalogPage for any cache. An htmx request for the main
// content (partialRequest) gets that content alone, from the same cache.
func serveCatalogPage(c *fiber.Ctx, h catalogPageSource, key string, canonical []string, build func(ctx context.Context) (pageHead, templ.Component, error)) error {
	ctx := c.UserContext()
	c.Vary("HX-Request", "HX-Target")
	partial := partialRequest(c)
	version, verr := h.versions.Version(ctx)
	now := time.Now()
	if verr != nil || version == "" {
		// The database did not answer the version read in time, so no cached
		// entry is known to be current: build the page directly under the
		// request's deadline (a 503 if the database is down) and cache nothing.
		// The entries stay, for when the version answers again: they are served
		// only if it is still theirs.
		head, content, err := build(ctx)
		if err != nil {
			return err
		}
		return serveUncached(c, h, head, content, partial, false)
	}
	pageKey := ""
	if uri := string(c.Request().RequestURI()); !partial && plainGuest(c) && slices.Contains(canonical, uri) {
		pageKey = "page:" + uri
		if f, ok := h.fragments.get(version, pageKey, now); ok {
			return sendGuestPage(c, f)
		}
	}
	f, ok := h.fragments.get(version, key, now)
	if !ok {
		head, content, err := build(ctx)
		if err != nil {
			return err
		}
		if !h.fragments.admit(key) {
			// Asked for once so far: rendered straight into the response.
			return serveUncached(c, h, head, content, partial, pageKey != "")
		}
		var buf bytes.Buffer
		if err := content.Render(ctx, &buf); err != nil {
			return err
		}
		f = fragment{version: version, head: head, html: buf.String(), made: now}
		h.fragments.put(key, f)
	}
	if partial {
		return render(c, fiber.StatusOK, views.MainFragment(f.head.title, f.head.buy.around(c, h.page(c, f.head.title), templ.Raw(f.html))))
	}
	p := h.searchPage(c, f.head)
	page := views.ProductsLayout(p, f.head.buy.around(c, p, templ.Raw(f.html)))
	if pageKey == "" {
		return render(c, fiber.StatusOK, page)
	}
	var buf bytes.Buffer
	if err := page.Render(ctx, &buf); err != nil {
		return err
	}
	// As old as the content in it, for the age backstop.
	g := fragment{version: version, body: buf.Bytes(), etag: etagOf(buf.Bytes()), made: f.made}
	h.fragments.put(pageKey, g)
	return sendGuestPage(c, g)
}

// serveUncached renders content in the visitor's layout straight into the
// response, keeping no copy. guestPage (a plain guest at a canonical URL) adds
// the ETag the cached page would have, and answers a matching If-None-Match
// with a 304.
func serveUncached(c *fiber.Ctx, h catalogPageSource, head pageHead, content templ.Component, partial, guestPage bool) error {
	if partial {
		return render(c, fiber.StatusOK, views.MainFragment(head.title, head.buy.around(c, h.page(c, head.title), content)))
	}
	p := h.searchPage(c, head)
	if err := render(c, fiber.StatusOK, views.ProductsLayout(p, head.buy.around(c, p, content))); err != nil || !guestPage {
		return err
	}
	etag := etagOf(c.Response().Body())
	c.Set(fiber.HeaderETag, etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Response().ResetBody()
		return c.SendStatus(fiber.StatusNotModified)
	}
	return nil
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
// CRC-32C (a change of up to 32 bits in a row is always caught, and the length
// is part of the tag) runs in hardware: 1.7 µs for a 30 KB page against 65 µs
// for FNV-1a, which was 5 % of an uncached search's app CPU.
func etagOf(body []byte) string {
	sum := crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli))
	return `"` + strconv.FormatUint(uint64(len(body)), 36) + "-" + strconv.FormatUint(uint64(sum), 36) + `"`
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
