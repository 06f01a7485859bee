package views

import (
	"strings"
	"unicode/utf8"

	"github.com/storefront/storefront/paths"
)

// siteName is the shop's name in titles and link previews.
const siteName = "Storefront"

// siteDescription is the meta description of pages that have none of their own.
const siteDescription = "Storefront is a small shop of independent sellers: find things made with care, " +
	"or open your own store and start selling in minutes."

// Meta is what a page tells search engines and link previews about itself,
// beyond its title.
type Meta struct {
	// Description is the page's meta description; "" uses the shop's own.
	Description string
	// Canonical is the page's one address (path and query) under BaseURL; ""
	// is the requested path without its query.
	Canonical string
	// NoIndex asks search engines not to list the page (error pages).
	NoIndex bool
	// Image is the absolute URL of the picture for link previews, or "";
	// ImageWidth, ImageHeight and ImageAlt describe it (og:image:*).
	Image                   string
	ImageWidth, ImageHeight int
	ImageAlt                string
	// Product makes the page a product's: Open Graph price tags and a
	// schema.org Product/Offer in JSON-LD.
	Product *ProductMeta
}

// ProductMeta is a product as search engines and link previews see it.
type ProductMeta struct {
	Name        string
	Description string
	// Price is the amount as schema.org writes it: "1250.00", no symbol or separator.
	Price    string
	Currency string // ISO 4217, e.g. USD
	InStock  bool
	Store    string // the seller's store name, or ""
}

// Described returns the page with its own meta description.
func (p Page) Described(description string) Page {
	p.Meta.Description = description
	return p
}

// IsHome reports whether the page is the home page (whatever its query).
func (p Page) IsHome() bool {
	path, _, _ := strings.Cut(p.Path, "?")
	return path == paths.Home
}

// fullTitle is the <title>: the page's title and the shop's name, or, on the
// home page, the shop's name and what it is.
func (p Page) fullTitle() string {
	if p.IsHome() || p.Title == "" {
		return siteName + " – things made by independent sellers"
	}
	return p.Title + " · " + siteName
}

func (p Page) description() string {
	if p.Meta.Description != "" {
		return summary(p.Meta.Description, 160)
	}
	return siteDescription
}

// canonicalURL is the page's absolute address under the shop's PUBLIC_URL
// (never the request's Host, which anyone can set).
func (p Page) canonicalURL() string {
	path := p.Meta.Canonical
	if path == "" {
		path, _, _ = strings.Cut(p.Path, "?")
	}
	if path == "" {
		path = paths.Home
	}
	return p.BaseURL + path
}

// navCurrent reports whether a nav link to href leads to this very page
// (aria-current="page").
func (p Page) navCurrent(href string) bool {
	path, _, _ := strings.Cut(p.Path, "?")
	return path == href
}

// summary shortens text to at most max characters at a word boundary, on one line.
func summary(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	runes := []rune(text)[:max-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// productJSONLD is the schema.org Product with its Offer, for a
// <script type="application/ld+json">. templ.JSONScript encodes it with
// encoding/json, which escapes <, > and &: no name can close the script.
func productJSONLD(url string, m ProductMeta, image string) map[string]any {
	availability := "https://schema.org/InStock"
	if !m.InStock {
		availability = "https://schema.org/OutOfStock"
	}
	product := map[string]any{
		"@context": "https://schema.org",
		"@type":    "Product",
		"name":     m.Name,
		"url":      url,
		"offers": map[string]any{
			"@type":         "Offer",
			"url":           url,
			"price":         m.Price,
			"priceCurrency": m.Currency,
			"availability":  availability,
		},
	}
	if m.Description != "" {
		product["description"] = m.Description
	}
	if image != "" {
		product["image"] = image
	}
	if m.Store != "" {
		product["brand"] = map[string]any{"@type": "Brand", "name": m.Store}
	}
	return product
}
