package handlers

import (
	"context"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// Body limits and deadlines per route group. fasthttp reads a request's whole
// body into memory before any handler runs, so a limit can only be chosen from
// the headers: bodyLimits does that (fasthttp's HeaderReceived) for the upload
// routes, and every other request keeps the server's BodyLimit. Memory: a
// request to a page route holds at most pageBodyLimit; only a request to an
// upload route may hold up to uploadBodyLimit, so the worst case is the number
// of uploads in flight times 11 MiB (as many as there are connections: put a
// connection limit in front of the shop, or stream the body, before uploads
// become frequent). A multipart body of known length is parsed into its form
// as it is read, so the file is held once: upload handlers take it with
// c.FormFile, never c.Body(), which copies the body (Config.Immutable).
const (
	// pageBodyLimit is the largest body of every route but uploads: its forms
	// are text.
	pageBodyLimit = 1 << 20
	// uploadBodyLimit is one image at its largest and the form around it.
	uploadBodyLimit = services.MaxImageBytes + pageBodyLimit
	// uploadReadTimeout is how long an upload's body may take to arrive, in place
	// of READ_TIMEOUT (11 MiB at 1 Mbit/s take 92 s).
	uploadReadTimeout = 2 * time.Minute
	// uploadDeadline bounds an upload's own work (processing and storing the
	// file), in place of REQUEST_TIMEOUT.
	uploadDeadline = 30 * time.Second
)

// routeGroup adds routes behind one middleware stack (routeGroups).
type routeGroup struct {
	app   *fiber.App
	stack []fiber.Handler
	// added, if set, is told of every route the group adds.
	added func(method, path string)
}

func (g routeGroup) get(path string, handlers ...fiber.Handler) {
	g.app.Get(path, g.behindStack(handlers)...)
	g.note(fiber.MethodGet, path)
}

func (g routeGroup) post(path string, handlers ...fiber.Handler) {
	g.app.Post(path, g.behindStack(handlers)...)
	g.note(fiber.MethodPost, path)
}

func (g routeGroup) behindStack(handlers []fiber.Handler) []fiber.Handler {
	return append(slices.Clip(g.stack), handlers...)
}

func (g routeGroup) note(method, path string) {
	if g.added != nil {
		g.added(method, path)
	}
}

// webhookGroup adds a provider's callbacks. The provider is not a browser: it has
// no session and cannot send a CSRF token, so what proves a call genuine is the
// provider's signature over the body, checked before the handler runs.
type webhookGroup struct{ routes routeGroup }

// signatureVerifier is one provider's webhook check: middleware that calls
// c.Next only for a request whose signature header proves the body came from
// the provider (and is recent), and otherwise returns an error.
type signatureVerifier fiber.Handler

// post adds a provider's callback at path, behind the provider's verifier.
func (g webhookGroup) post(path string, verify signatureVerifier, handler fiber.Handler) {
	g.routes.post(path, fiber.Handler(verify), handler)
}

// bodyLimits chooses the body limit and read timeout of a request from its
// headers, before any of its body is read: an upload route's, or (the zero
// RequestConfig) the server's page limit for everything else.
type bodyLimits struct {
	uploads *routeSet // set by newSite, with the router's settings
}

// addUpload registers an upload route (routeGroup.added).
func (b *bodyLimits) addUpload(method, path string) { b.uploads.add(method, path) }

// install makes the server ask for the limits of every request, once the
// routes are known; without upload routes there is nothing to ask.
func (b *bodyLimits) install(app *fiber.App) {
	if len(b.uploads.routes) > 0 {
		app.Server().HeaderReceived = b.requestConfig
	}
}

func (b *bodyLimits) requestConfig(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if h.IsGet() || h.IsHead() {
		return fasthttp.RequestConfig{}
	}
	uri := fasthttp.AcquireURI()
	defer fasthttp.ReleaseURI(uri)
	// Parsed as fasthttp parses it for the router (Fiber routes on PathOriginal).
	if err := uri.Parse(h.Host(), h.RequestURI()); err != nil {
		return fasthttp.RequestConfig{}
	}
	if !b.uploads.match(string(h.Method()), string(uri.PathOriginal())) {
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: uploadBodyLimit, ReadTimeout: uploadReadTimeout}
}

// limitOf is the body limit of a request to path, for the 413 page.
func (b *bodyLimits) limitOf(method, path string) int {
	if b.uploads.match(method, path) {
		return uploadBodyLimit
	}
	return pageBodyLimit
}

// limitBody refuses a body over limit with 413. The server refuses larger bodies
// before routing (BodyLimit); this keeps a route group's limit its own even if a
// request were taken for an upload's by bodyLimits and routed elsewhere.
func limitBody(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Request().Body()) > limit {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}

// shopCurrency puts the shop's currency in the request's context, where views
// read it to show prices (views.WithCurrency). It follows requestDeadline,
// which starts the request's context afresh.
func shopCurrency(currency string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.SetUserContext(views.WithCurrency(c.UserContext(), currency))
		return c.Next()
	}
}

// requestDeadline gives the request a deadline for its database and Redis calls.
// It derives from Background rather than the fasthttp context, which is
// cancelled as soon as a graceful shutdown starts and would fail in-flight work.
func requestDeadline(timeout time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}
