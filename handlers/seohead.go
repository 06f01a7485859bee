package handlers

import (
	"strconv"

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
func (w *web) productHead(product models.Product) pageHead {
	return pageHead{
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
