package handlers

import (
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// Assets are served at paths with their content hash in the file name
// (/assets/app.3f9c1a2b4c5d.css), which pages link to and browsers may keep for a
// year: a path names one content for ever. During a rolling deploy an instance
// answers 404 for a hash it does not have rather than serving other content
// under it, so a page can never be paired with CSS or JS from another release
// (the browser retries on the next load, when the old or new instance answers).
// The plain names (/assets/app.css) always serve the current file, revalidated
// with the ETag; /favicon.ico is where browsers look for the icon by default.

// assetTable holds the embedded assets in memory, by the path they are served at.
type assetTable struct {
	byPath map[string]assetFile
	urls   views.AssetURLs
}

type assetFile struct {
	body         []byte
	contentType  string
	etag         string
	cacheControl string
}

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
	// cacheFavicon: the path has no hash, so a day rather than a year.
	cacheFavicon = "public, max-age=86400"
)

func newAssetTable(files fs.FS) (*assetTable, error) {
	t := &assetTable{byPath: map[string]assetFile{}}
	load := func(name string) (assetFile, string, error) {
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return assetFile{}, "", err
		}
		version, err := assets.Version(files, name)
		if err != nil {
			return assetFile{}, "", err
		}
		return assetFile{body: body, contentType: assetContentType(name), etag: `"` + version + `"`}, version, nil
	}
	urls := map[string]string{}
	for _, name := range []string{"app.css", "htmx.min.js", "app.js", "icon.svg"} {
		f, version, err := load(name)
		if err != nil {
			return nil, err
		}
		url := paths.Asset(hashedName(name, version))
		f.cacheControl = cacheImmutable
		t.byPath[url] = f
		f.cacheControl = cacheRevalidate
		t.byPath[paths.Asset(name)] = f
		urls[name] = url
	}
	// The favicon is served at the one path browsers ask for without a link.
	favicon, _, err := load("favicon.ico")
	if err != nil {
		return nil, err
	}
	favicon.cacheControl = cacheFavicon
	t.byPath[paths.Favicon] = favicon
	t.urls = views.AssetURLs{CSS: urls["app.css"], HTMX: urls["htmx.min.js"], JS: urls["app.js"], Icon: urls["icon.svg"]}
	return t, nil
}

// hashedName puts the version before the extension: htmx.min.js → htmx.min.<version>.js.
func hashedName(name, version string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + version + ext
}

// assetContentType is fixed here rather than taken from the machine's MIME
// tables, which differ between systems (and lack .ico on some).
func assetContentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	}
	return "application/octet-stream"
}

// serve serves an embedded file with its ETag (a revalidation gets a 304).
func (t *assetTable) serve(c *fiber.Ctx) error {
	f, ok := t.byPath[c.Path()]
	if !ok {
		// Perhaps a hash from another release: no cache may keep this answer.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderCacheControl, f.cacheControl)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.body)
}
