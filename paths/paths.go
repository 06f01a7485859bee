// Package paths is the one place that spells the shop's URLs: the route
// patterns handlers/routes.go registers and the builders that views and
// handlers use for every link, form action and redirect. It imports nothing of
// the app, so views, handlers (and later mail) can all use it.
//
// A fixed page is a constant, used both as its route and as its link; a page
// with parameters has a Pattern constant for its route and a builder for its
// links. A test in handlers checks that every builder's output is served.
package paths

import (
	"net/url"
	"strconv"
	"strings"
)

// Pages and form targets at fixed paths.
const (
	Home             = "/"
	Products         = "/products"          // GET: the list; POST: create a product
	NewProduct       = "/products/new"      // the "sell a product" form
	Signup           = "/signup"            // GET: the form; POST: create an account
	Login            = "/login"             // GET: the form; POST: log in
	Logout           = "/logout"            // POST only
	LogoutEverywhere = "/logout/everywhere" // POST only
	Account          = "/account"
	DevMail          = "/dev/mail" // development only
)

// Probes and static files.
const (
	Healthz = "/healthz"
	Readyz  = "/readyz"
	// Favicon is where browsers look for the icon without a link.
	Favicon = "/favicon.ico"
	// assetDir holds the embedded assets (Asset).
	assetDir = "/assets/"
)

// Route patterns of the pages with parameters, for routes.go; links use the builders.
const (
	ProductPattern     = "/products/:id"
	DevMailHTMLPattern = "/dev/mail/:id/html"
	AssetPattern       = assetDir + ":name"
)

// Product is a product's page.
func Product(id int64) string { return "/products/" + strconv.FormatInt(id, 10) }

// ProductsPage is page n of the product list; page 1 is the list itself.
func ProductsPage(n int) string {
	if n <= 1 {
		return Products
	}
	return Products + "?page=" + strconv.Itoa(n)
}

// LoginReturningTo is the login page that sends the user on to next, a local
// path and query, after logging in. The login and sign-up pages themselves, and
// the home page, are not worth returning to: for them it is plain Login.
func LoginReturningTo(next string) string {
	switch next {
	case "", Home, Login, Signup:
		return Login
	}
	return Login + "?next=" + url.QueryEscape(next)
}

// DevMailHTML is where a kept message's HTML part is shown on its own.
func DevMailHTML(id int64) string { return DevMail + "/" + strconv.FormatInt(id, 10) + "/html" }

// Asset is the URL of an embedded file (name may carry its content hash).
func Asset(name string) string { return assetDir + name }

// IsAsset reports whether path is under the assets directory.
func IsAsset(path string) bool { return strings.HasPrefix(path, assetDir) }
