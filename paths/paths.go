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

	PasswordForgot        = "/password/forgot"                // GET: the form; POST: mail a reset link
	AccountPassword       = "/account/password"               // GET: the form; POST: change the password
	AccountEmail          = "/account/email"                  // GET: the form; POST: mail a confirmation link
	AccountSessions       = "/account/sessions"               // the user's live sessions
	AccountSessionsOthers = "/account/sessions/delete-others" // POST only: end every session but this one
)

// Probes and static files.
const (
	Healthz = "/healthz"
	Readyz  = "/readyz"
	// Favicon is where browsers look for the icon without a link.
	Favicon = "/favicon.ico"
	// Robots and Sitemap are for search engines.
	Robots  = "/robots.txt"
	Sitemap = "/sitemap.xml"
	// assetDir holds the embedded assets (Asset).
	assetDir = "/assets/"
)

// Route patterns of the pages with parameters, for routes.go; links use the builders.
const (
	ProductPattern     = "/products/:id"
	DevMailHTMLPattern = "/dev/mail/:id/html"
	AssetPattern       = assetDir + ":name"

	PasswordResetPattern        = passwordResetDir + ":token"
	EmailConfirmPattern         = emailConfirmDir + ":token"
	AccountSessionDeletePattern = AccountSessions + "/:ref/delete"
)

// Links mailed to a user end in a secret token: these directories hold them.
const (
	passwordResetDir = "/password/reset/"
	emailConfirmDir  = "/account/email/confirm/"
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

// PasswordReset is the page a password-reset mail links to: token is the secret.
func PasswordReset(token string) string { return passwordResetDir + url.PathEscape(token) }

// EmailConfirm is the page an email-change mail links to: token is the secret.
func EmailConfirm(token string) string { return emailConfirmDir + url.PathEscape(token) }

// AccountSessionDelete ends the session with this handle (services.Session.Ref,
// never its id).
func AccountSessionDelete(ref string) string {
	return AccountSessions + "/" + url.PathEscape(ref) + "/delete"
}

// SecretTokenDir returns the directory of a path that ends in a mailed secret
// token (a password-reset or email-change link), so that logs can show the
// path without the token; ok is false for every other path. Letter case is
// ignored: the router refuses /Password/reset/..., but its log line must not
// show the token either.
func SecretTokenDir(path string) (dir string, ok bool) {
	for _, dir := range [...]string{passwordResetDir, emailConfirmDir} {
		if len(path) > len(dir) && strings.EqualFold(path[:len(dir)], dir) {
			return path[:len(dir)], true
		}
	}
	return "", false
}

// DevMailHTML is where a kept message's HTML part is shown on its own.
func DevMailHTML(id int64) string { return DevMail + "/" + strconv.FormatInt(id, 10) + "/html" }

// Asset is the URL of an embedded file (name may carry its content hash).
func Asset(name string) string { return assetDir + name }

// IsAsset reports whether path is under the assets directory.
func IsAsset(path string) bool { return strings.HasPrefix(path, assetDir) }

// Private lists the path prefixes of a visitor's own pages and of form
// targets, which robots.txt asks search engines not to crawl.
func Private() []string {
	return []string{Account, Logout, "/password/", DevMail, Cart, Checkout, Orders}
}
