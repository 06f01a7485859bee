package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/pprof"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/storefront/storefront/paths"
)

// routeGroups names the middleware stacks routes are added behind, after the
// edge middleware that every request passes (routes):
//
//   - pages: a deadline for the request's database and Redis work, the schema
//     check, the visitor's session and Cache-Control. Everything a browser
//     navigates to or posts a form to. State-changing routes add verifyCSRF.
//   - uploads: the same with a body limit and deadlines of their own
//     (routegroups.go); every other route keeps the page body limit.
//   - webhooks: calls from a provider, not a browser: no session and no CSRF
//     token, a signature verifier of the provider's instead.
func (s *site) routeGroups(schemaReady func() bool) {
	schema := requireSchema(schemaReady)
	s.pages = routeGroup{app: s.app, stack: []fiber.Handler{
		limitBody(pageBodyLimit), requestDeadline(s.cfg.RequestTimeout), shopCurrency(s.web.shop.currency), schema,
		s.sessions.load, s.cartBadge.attach, cacheControl,
	}}
	s.uploads = routeGroup{app: s.app, stack: []fiber.Handler{
		requestDeadline(uploadDeadline), shopCurrency(s.web.shop.currency), schema, s.sessions.load, s.cartBadge.attach,
		cacheControl,
	}, added: s.limits.addUpload}
	s.webhooks = webhookGroup{routes: routeGroup{app: s.app, stack: []fiber.Handler{
		limitBody(pageBodyLimit), requestDeadline(s.cfg.RequestTimeout), schema,
	}}}
}

// routes is the whole HTTP surface of the shop, in the order requests meet it.
func (s *site) routes() {
	app := s.app
	if s.cfg.BenchRoutes {
		// Before every middleware on purpose: it measures the server's ceiling.
		app.Get("/bench/plaintext", func(c *fiber.Ctx) error { return c.SendString("Hello, World!") })
		// CPU profiles of the app under load for `make bench`; like the route
		// above, never enabled in production.
		app.Use("/debug/pprof", pprof.New())
	}
	// Every request: an id, the client address, one log line, security headers.
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.edge.logPanic}))
	app.Use(s.edge.assignRequestID)
	app.Use(s.edge.resolveClientIP)
	app.Use(s.edge.logRequest)
	app.Use(s.edge.securityHeaders)

	// Probes and assets touch no session.
	app.Get(paths.Healthz, s.health.healthz)
	app.Get(paths.Readyz, s.health.readyz)
	app.Get(paths.AssetPattern, compress.New(), s.assets.serve)
	app.Get(paths.Favicon, compress.New(), s.assets.serve)
	// For search engines: robots.txt needs nothing; the sitemap reads the catalogue.
	app.Get(paths.Robots, s.seo.robots)
	// Stored pictures (local blob store): no session, no database.
	app.Get(paths.MediaPattern, requestDeadline(s.cfg.RequestTimeout), s.media.serve)

	pages, csrf, signedIn := s.pages, s.web.verifyCSRF, s.web.requireUser
	pages.get(paths.Home, s.search.list) // the list, or a search of it (search.go)
	pages.get(paths.Products, s.search.list)
	pages.get(paths.NewProduct, signedIn, s.products.newForm)
	pages.post(paths.Products, signedIn, csrf(sessionToken), s.products.create)
	pages.get(paths.ProductPattern, s.products.show)
	pages.get(paths.Sitemap, s.seo.sitemap)
	// A seller's own products (seller tools): another seller's product is a 404;
	// a guest's GET goes to login, a POST without a session is refused (403).
	pages.get(paths.ProductEditPattern, signedIn, s.seller.editForm)
	pages.post(paths.ProductPattern, csrf(sessionToken), signedIn, s.seller.update)
	pages.post(paths.ProductPublishPattern, csrf(sessionToken), signedIn, s.seller.publish)
	pages.post(paths.ProductUnpublishPattern, csrf(sessionToken), signedIn, s.seller.unpublish)
	pages.post(paths.ProductDeletePattern, csrf(sessionToken), signedIn, s.seller.remove)
	pages.post(paths.ProductImageOrderPattern, csrf(sessionToken), signedIn, s.images.reorder)
	pages.post(paths.ProductImageAltPattern, csrf(sessionToken), signedIn, s.images.describe)
	pages.post(paths.ProductImageDeletePattern, csrf(sessionToken), signedIn, s.images.remove)
	s.uploads.post(paths.ProductImagesPattern, csrf(sessionToken), signedIn, s.images.upload)
	pages.get(paths.StorePattern, s.stores.show)
	pages.get(paths.AccountStore, signedIn, s.stores.editForm)
	pages.post(paths.AccountStore, csrf(sessionToken), signedIn, s.stores.save)

	pages.get(paths.Signup, s.auth.signupPage)
	pages.post(paths.Signup, csrf(guestToken), s.auth.refuseSignedIn, s.signups.check, s.auth.signup)
	pages.get(paths.Login, s.auth.loginPage)
	pages.post(paths.Login, csrf(guestToken), s.auth.login)
	pages.post(paths.Logout, csrf(endsSession), s.auth.logout)
	pages.post(paths.LogoutEverywhere, signedIn, csrf(sessionToken), s.auth.logoutEverywhere)

	pages.get(paths.Account, signedIn, s.account.show)

	// Account security. Mailed links (reset, email change) carry a secret
	// token in their path: no Referer leaves their pages.
	pages.get(paths.PasswordForgot, s.passwords.forgotPage)
	pages.post(paths.PasswordForgot, csrf(guestToken), s.passwords.forgot)
	pages.get(paths.PasswordResetPattern, noReferrer, s.passwords.resetPage)
	pages.post(paths.PasswordResetPattern, noReferrer, csrf(guestToken), s.passwords.reset)
	pages.get(paths.AccountPassword, signedIn, s.credentials.passwordPage)
	pages.post(paths.AccountPassword, signedIn, csrf(sessionToken), s.credentials.changePassword)
	pages.get(paths.AccountEmail, signedIn, s.credentials.emailPage)
	pages.post(paths.AccountEmail, signedIn, csrf(sessionToken), s.credentials.requestEmailChange)
	pages.get(paths.EmailConfirmPattern, noReferrer, s.credentials.confirmEmailPage)
	pages.post(paths.EmailConfirmPattern, noReferrer, csrf(guestToken), s.credentials.confirmEmail)
	pages.get(paths.AccountSessions, signedIn, s.accountSessions.list)
	pages.post(paths.AccountSessionsOthers, signedIn, csrf(sessionToken), s.accountSessions.endOthers)
	pages.post(paths.AccountSessionDeletePattern, signedIn, csrf(sessionToken), s.accountSessions.endOne)

	if s.devMail != nil {
		pages.get(paths.DevMail, s.devMail.list)
		pages.get(paths.DevMailHTMLPattern, s.devMail.html)
	}

	// Buying (issue 12). A guest's first add to a cart starts their session
	// (firstCartAdd); every other cart change needs the session's token.
	pages.post(paths.CartItems, csrf(firstCartAdd), s.cart.add)
	pages.get(paths.Cart, s.cart.show)
	pages.post(paths.CartItemPattern, csrf(sessionToken), s.cart.setQuantity)
	pages.post(paths.CartItemDeletePattern, csrf(sessionToken), s.cart.remove)
	pages.post(paths.Checkout, csrf(sessionToken), s.checkout.checkout)
	pages.get(paths.Orders, signedIn, s.orders.list)
	pages.get(paths.OrderPattern, signedIn, s.orders.show)
	if s.orders.demo != nil { // test mode only: never beside a real provider
		pages.get(paths.OrderPayPattern, signedIn, s.orders.payPage)
		pages.post(paths.OrderPayPattern, signedIn, csrf(sessionToken), s.orders.pay)
	}
	pages.get(paths.AccountSales, signedIn, s.sales.list)
	if s.webhook != nil {
		s.webhooks.post(paths.StripeWebhook, signatureVerifier(stripeSignature), s.webhook.stripeEvent)
	}

	// Unknown paths fall through to Fiber's 404, and known paths with another
	// method to its 405, behind the page middleware (finish); both end in
	// handleError.
}
