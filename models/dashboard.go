package models

import "time"

// Dashboard is what a seller's account page lists: their store and every
// product they have not deleted, drafts included, newest first.
type Dashboard struct {
	// Store is nil for an account that has never sold (it has no store yet).
	Store    *StoreRef
	Products []DashboardProduct
	// Published and Drafts count all the seller's products, also beyond
	// DashboardMaxProducts.
	Published, Drafts int
}

// DashboardMaxProducts bounds the dashboard's list.
const DashboardMaxProducts = 500

// Truncated reports whether the seller has more products than the list holds.
func (d Dashboard) Truncated() bool { return d.Published+d.Drafts > len(d.Products) }

// DashboardProduct is one row of the seller's dashboard.
type DashboardProduct struct {
	ID         int64         `bun:"id"`
	Name       string        `bun:"name"`
	Status     ProductStatus `bun:"status"`
	PriceCents int64         `bun:"price_cents"`
	CreatedAt  time.Time     `bun:"created_at"`
	// Cover is the first image (zero when there is none): Cover.Thumbnail()
	// is the small variant for the row.
	Cover Image `bun:"embed:cover_"`
	// Sold and RevenueCents sum the product's paid order lines of all time
	// (pending, cancelled and flagged orders do not count).
	Sold         int64 `bun:"sold"`
	RevenueCents int64 `bun:"revenue_cents"`
}

// IsDraft reports whether only the seller can see the product.
func (p DashboardProduct) IsDraft() bool { return p.Status == ProductDraft }
