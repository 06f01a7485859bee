package models

import "time"

// SitemapMaxURLs is the most addresses one sitemap file may list (sitemaps.org).
const SitemapMaxURLs = 50_000

// Listing is what the shop offers search engines: every published product and
// every store that has one, each with when it last changed.
type Listing struct {
	Products []ListedProduct
	Stores   []ListedStore
}

// ListedProduct is a published product's id and last change.
type ListedProduct struct {
	ID        int64     `bun:"id"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// ListedStore is a store's address and last change.
type ListedStore struct {
	Slug      string    `bun:"slug"`
	UpdatedAt time.Time `bun:"updated_at"`
}
