// Package views renders the shop's HTML with templ. Components take everything
// they show as parameters; they never reach into HTTP, sessions or the database.
package views

import (
	"encoding/json"

	"github.com/storefront/storefront/paths"
)

// Page is what the layout needs to know about the request being answered.
type Page struct {
	Title string
	// UserEmail is the signed-in user's email, or "" for a guest.
	UserEmail string
	// CSRFToken is set when the visitor has a session; forms and htmx send it back.
	CSRFToken string
	// Flash is a one-off message such as "You are logged out."
	Flash string
	// Path is the current path and query, used as the "Log in" link's next page.
	Path string
	// CartCount is the number of items in the visitor's cart, for the nav.
	CartCount int
	// Assets maps an asset name to its cache-busting URL.
	Assets AssetURLs
	// SearchText is shown in the nav's search box; SearchError, the message
	// for it that the page shows (search.templ).
	SearchText, SearchError string
	// BaseURL is the shop's PUBLIC_URL (no trailing slash): the base of the
	// canonical link and of link-preview URLs.
	BaseURL string
	// Meta is the page's description, canonical address and link-preview data (seo.go).
	Meta Meta
}

// AssetURLs are the URLs of the embedded assets, with content hashes in them.
type AssetURLs struct {
	CSS, HTMX, JS string
	// Icon is the SVG icon; browsers that cannot use it take /favicon.ico.
	Icon string
}

// SignedIn reports whether the page is rendered for a logged-in user.
func (p Page) SignedIn() bool { return p.UserEmail != "" }

// hxHeaders is the hx-headers value that makes every htmx request carry the token.
func (p Page) hxHeaders() string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": p.CSRFToken})
	return string(b)
}

// loginURL links to the login page with the current page as the place to return to.
func (p Page) loginURL() string { return paths.LoginReturningTo(p.Path) }
