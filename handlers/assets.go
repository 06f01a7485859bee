package handlers

import (
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/views"
)

// assetTable holds the embedded assets in memory with their content hashes.
type assetTable struct {
	files map[string]assetFile
	urls  views.AssetURLs
}

type assetFile struct {
	body        []byte
	contentType string
	etag        string
}

func newAssetTable(files fs.FS) (*assetTable, error) {
	t := &assetTable{files: map[string]assetFile{}}
	for _, name := range []string{"app.css", "htmx.min.js", "app.js"} {
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		version, err := assets.Version(files, name)
		if err != nil {
			return nil, err
		}
		t.files[name] = assetFile{body: body, contentType: mime.TypeByExtension(path.Ext(name)), etag: `"` + version + `"`}
	}
	url := func(name string) string { return "/assets/" + name + "?v=" + t.files[name].etag[1:13] }
	t.urls = views.AssetURLs{CSS: url("app.css"), HTMX: url("htmx.min.js"), JS: url("app.js")}
	return t, nil
}

// asset serves an embedded file. URLs carry the content hash, so browsers may
// keep a copy for a year; the ETag answers revalidations with 304.
func (s *server) asset(c *fiber.Ctx) error {
	f, ok := s.assets.files[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.body)
}
