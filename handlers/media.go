package handlers

import (
	"context"
	"io"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/services"
)

// mediaFiles opens stored picture variants (services.ProductImages).
type mediaFiles interface {
	OpenMedia(ctx context.Context, key string) (*services.Media, error)
}

// mediaHandlers serve /media/{key}: the variants of pictures in the local
// blob store. A key names its bytes for ever (a hash of them), so browsers and
// proxies may keep them a year without asking again.
type mediaHandlers struct {
	files mediaFiles
}

func (h *mediaHandlers) serve(c *fiber.Ctx) error {
	if h.files == nil {
		return fiber.ErrNotFound
	}
	m, err := h.files.OpenMedia(c.UserContext(), c.Params("key"))
	if err != nil {
		return err
	}
	defer m.Body.Close()
	// Read before answering: variants are small (a few hundred KB at most),
	// and the reader must not outlive the request's deadline.
	data, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, m.ContentType)
	c.Set(fiber.HeaderCacheControl, services.MediaCacheControl)
	c.Set(fiber.HeaderContentLength, strconv.Itoa(len(data)))
	// Pages on this origin show them; nothing else may embed them.
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	return c.Send(data)
}

// originOf is the scheme and host of an absolute URL, or "" for a path.
func originOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	return p.Scheme + "://" + p.Host
}
