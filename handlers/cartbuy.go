package handlers

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// productBuy is what a product page's buy box needs, kept with the page's
// cached content (it is the same for every visitor); whether the visitor is
// the seller and the form's token are the request's.
type productBuy struct {
	box    views.BuyBox
	seller int64
}

// buyOf is the buy box of a product as it is now. A reservation that takes the
// last unit, and a release that brings one back, change the catalogue version
// (services/stock.go), so a cached page shows "Sold out" (or buyable again) on
// the next request; a lower stock that is not 0 needs no new page.
func buyOf(p *models.Product) *productBuy {
	onSale := p.DeletedAt.IsZero() && (p.Status == "" || p.Status == models.ProductPublished)
	return &productBuy{box: views.BuyBox{ProductID: p.ID, OnSale: onSale, SoldOut: p.SoldOut()}, seller: p.SellerID}
}

// around puts the buy box after the page's content, for this visitor: none but
// a note for the product's seller. A nil productBuy (lists) adds nothing.
func (b *productBuy) around(c *fiber.Ctx, p views.Page, content templ.Component) templ.Component {
	if b == nil {
		return content
	}
	box := b.box
	if sess := state(c).session; sess.SignedIn() && sess.UserID == b.seller {
		box.Own = true
	}
	return templ.Join(content, views.AddToCart(p.CSRFToken, box))
}
