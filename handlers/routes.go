package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/pprof"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes is the whole HTTP surface of the shop, in the order requests meet it.
func (s *server) routes(app *fiber.App) {
	if s.Config.BenchRoutes {
		// Before every middleware on purpose: it measures the server's ceiling.
		app.Get("/bench/plaintext", func(c *fiber.Ctx) error { return c.SendString("Hello, World!") })
		// CPU profiles of the app under load for `make bench`; like the route
		// above, never enabled in production.
		app.Use("/debug/pprof", pprof.New())
	}
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	app.Use(s.assignRequestID)
	app.Use(s.resolveClientIP)
	app.Use(s.logRequest)
	app.Use(s.securityHeaders)

	// Probes and assets touch no session.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/assets/:name", compress.New(), s.asset)
	app.Get("/favicon.ico", compress.New(), s.asset)

	app.Use(s.withRequestContext)
	app.Use(s.requireSchema)
	app.Use(s.loadSession)
	app.Use(s.cacheControl)

	app.Get("/", s.listProducts)
	app.Get("/products", s.listProducts)
	app.Get("/products/new", s.requireUser, s.newProduct)
	app.Post("/products", s.requireUser, s.verifyCSRF(sessionToken), s.createProduct)
	app.Get("/products/:id", s.showProduct)

	app.Get("/signup", s.signupPage)
	app.Post("/signup", s.verifyCSRF(guestToken), s.refuseSignedIn, s.throttleSignup, s.signup)
	app.Get("/login", s.loginPage)
	app.Post("/login", s.verifyCSRF(guestToken), s.login)
	app.Post("/logout", s.verifyCSRF(endsSession), s.logout)
	app.Post("/logout/everywhere", s.requireUser, s.verifyCSRF(sessionToken), s.logoutEverywhere)

	app.Get("/account", s.requireUser, s.account)

	if s.DevOutbox != nil {
		app.Get("/dev/mail", s.devMail)
		app.Get("/dev/mail/:id/html", s.devMailHTML)
	}
	// Unknown paths fall through to Fiber's 404, and known paths with another
	// method to its 405; both end in handleError.
}
