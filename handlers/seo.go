package handlers

import (
	"context"
	"encoding/xml"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// shopListing is what the sitemap asks of services.Catalog.
type shopListing interface {
	Listing(ctx context.Context, reserved int) (models.Listing, error)
}

// seoHandlers serve what search engines read: robots.txt and the sitemap.
type seoHandlers struct {
	*web
	listing shopListing
}

// robots allows everything public and points to the sitemap.
func (h *seoHandlers) robots(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range paths.Private() {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("\nSitemap: " + h.shop.baseURL + paths.Sitemap + "\n")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Type("txt", "utf-8")
	return c.SendString(b.String())
}

// sitemapURLSet is a sitemaps.org urlset.
type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	XMLNS   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists the home page, the product list, every published product and
// every store with one. It is read from the database on each request (one
// indexed query each), so it follows every change at once.
func (h *seoHandlers) sitemap(c *fiber.Ctx) error {
	fixed := []string{paths.Home, paths.Products}
	listing, err := h.listing.Listing(c.UserContext(), len(fixed))
	if err != nil {
		return err
	}
	set := sitemapURLSet{XMLNS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range fixed {
		set.URLs = append(set.URLs, sitemapURL{Loc: h.shop.baseURL + p})
	}
	for _, st := range listing.Stores {
		set.URLs = append(set.URLs, sitemapURL{Loc: h.shop.baseURL + paths.Store(st.Slug), LastMod: lastMod(st.UpdatedAt)})
	}
	for _, p := range listing.Products {
		set.URLs = append(set.URLs, sitemapURL{Loc: h.shop.baseURL + paths.Product(p.ID), LastMod: lastMod(p.UpdatedAt)})
	}
	out, err := xml.Marshal(set)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Type("xml", "utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}

func lastMod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
