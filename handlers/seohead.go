package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// pageHead is a catalogue page's title and what it tells search engines and
// link previews (views.Meta). It is cached with the page's content, so it
// must hold nothing about the visitor.
type pageHead struct {
	title string
	// canonical is the page's one address (path and query); "" is the request's path.
	canonical string
	meta      views.Meta
	// buy is a product page's buy box (cartbuy.go), rendered per visitor; nil elsewhere.
	buy *productBuy
}

// headedPage is the layout data of a catalogue page with its head.
func (w *web) headedPage(c *fiber.Ctx, head pageHead) views.Page {
	p := w.page(c, head.title)
	p.Meta = head.meta
	if head.canonical != "" && p.Meta.Canonical == "" {
		p.Meta.Canonical = head.canonical
	}
	return p
}

// productHead is a product page's title, description and schema.org offer.
func (w *web) productHead(product models.Product, media mediaURL) pageHead {
	head := pageHead{
		title:     product.Name,
		canonical: paths.Product(product.ID),
		meta: views.Meta{
			Description: product.Description,
			Product: &views.ProductMeta{
				Name:        product.Name,
				Description: product.Description,
				Price:       schemaPrice(product.PriceCents),
				Currency:    w.shop.currency,
				InStock:     !product.SoldOut(),
				Store:       product.Store.Name,
			},
		},
	}
	cover := product.Cover
	if len(product.Images) > 0 {
		cover = product.Images[0].Image
	}
	head.meta = w.withImage(head.meta, cover, media, product.Name)
	return head
}

// schemaPrice writes cents as schema.org wants a price: "1250.00".
func schemaPrice(cents int64) string {
	frac := cents % 100
	s := strconv.FormatInt(cents/100, 10) + "."
	if frac < 10 {
		s += "0"
	}
	return s + strconv.FormatInt(frac, 10)
}

// socialImageWidth is about the width link previews show a picture at
// (Open Graph asks for 1200 px): the smallest variant at least this wide, or
// the largest there is.
const socialImageWidth = 1200

// withImage sets the link-preview picture to im (nothing for an image-less
// product): an absolute URL, since previews are fetched from elsewhere.
// media gives /media/{key} on this app, made absolute with PUBLIC_URL, or
// the S3 server's own absolute URL, kept as it is.
func (w *web) withImage(m views.Meta, im models.Image, media mediaURL, fallbackAlt string) views.Meta {
	if im.IsZero() {
		return m
	}
	v := im.Variant(socialImageWidth)
	m.Image = w.absoluteURL(media(v.Key))
	m.ImageWidth, m.ImageHeight = v.Width, v.Height
	m.ImageAlt = im.AltOr(fallbackAlt)
	return m
}

// absoluteURL is u under PUBLIC_URL when it is a path on this app ("/media/…").
func (w *web) absoluteURL(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return w.shop.baseURL + u
	}
	return u
}

// storeCover is the picture a store's link preview shows: the cover of its
// newest product with one on the page (the first page lists the newest first).
func storeCover(page models.ProductPage) (models.Image, string) {
	for _, p := range page.Products {
		if !p.Cover.IsZero() {
			return p.Cover, p.Name
		}
	}
	return models.Image{}, ""
}
