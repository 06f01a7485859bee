package handlers

import (
	"context"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// storeService is what the store pages ask of services.Stores.
type storeService interface {
	StoreBySlug(ctx context.Context, slug string) (*models.Store, error)
	StoreProducts(ctx context.Context, store models.Store, n int) (models.ProductPage, error)
	StoreForUser(ctx context.Context, userID int64) (*models.Store, error)
	SuggestStore(ctx context.Context, userID int64) (models.StoreInput, error)
	CreateStore(ctx context.Context, userID int64, in models.StoreInput) (*models.Store, error)
	UpdateStore(ctx context.Context, userID int64, in models.StoreInput) (*models.Store, error)
}

// storeHandlers serve the public store pages and the seller's store settings.
type storeHandlers struct {
	*web
	stores storeService
	media  mediaURL
	// cached serves a page's main content from the catalogue page cache
	// (productHandlers.catalogPage): store pages change with the catalogue.
	cached func(c *fiber.Ctx, key string, canonical []string, build func(ctx context.Context) (pageHead, templ.Component, error)) error
}

// movedStore is a store asked for by an old slug (or another spelling): it
// answers 301 and is never cached.
type movedStore struct{ to string }

func (m movedStore) Error() string { return "store moved to " + m.to }

// show is /stores/{slug}: the store's name, bio and published products,
// newest first, paginated like /products. An old slug (or another spelling of
// the slug) answers 301 to the store's address.
func (h *storeHandlers) show(c *fiber.Ctx) error {
	n := 1
	if args := c.Request().URI().QueryArgs(); args.Has("page") {
		var ok bool
		if n, ok = models.ParsePageNumber(string(args.Peek("page"))); !ok {
			return fiber.ErrNotFound
		}
	}
	slug, err := url.PathUnescape(c.Params("slug"))
	if err != nil {
		return fiber.ErrNotFound
	}
	path := paths.StorePage(slug, n)
	err = h.cached(c, "store:"+path, []string{path}, func(ctx context.Context) (pageHead, templ.Component, error) {
		store, err := h.stores.StoreBySlug(ctx, slug)
		if err != nil {
			return pageHead{}, nil, err
		}
		if store.Slug != slug {
			return pageHead{}, nil, movedStore{to: paths.StorePage(store.Slug, n)}
		}
		page, err := h.stores.StoreProducts(ctx, *store, n)
		if err != nil {
			return pageHead{}, nil, err
		}
		if n > 1 && len(page.Products) == 0 {
			return pageHead{}, nil, fiber.ErrNotFound
		}
		title := store.Name
		if n > 1 {
			title += " – page " + strconv.Itoa(n)
		}
		head := pageHead{title: title, canonical: path}
		head.meta.Description = store.Bio
		cover, name := storeCover(page)
		head.meta = h.withImage(head.meta, cover, h.media, name)
		return head, views.StoreMain(*store, page, h.media), nil
	})
	if moved, ok := err.(movedStore); ok {
		return c.Redirect(moved.to, fiber.StatusMovedPermanently)
	}
	return err
}

// editForm is /account/store: the seller's store, or for an account without
// one a suggestion to start from.
func (h *storeHandlers) editForm(c *fiber.Ctx) error {
	userID := state(c).session.UserID
	store, err := h.stores.StoreForUser(c.UserContext(), userID)
	var form views.StoreForm
	switch {
	case err == nil:
		form = views.StoreForm{Input: models.StoreInput{Name: store.Name, Slug: store.Slug, Bio: store.Bio}, Current: store}
	case models.ErrorCode(err) == models.ENOTFOUND:
		if form.Input, err = h.stores.SuggestStore(c.UserContext(), userID); err != nil {
			return err
		}
	default:
		return err
	}
	return render(c, fiber.StatusOK, views.StoreSettingsPage(h.page(c, "Your store"), form))
}

// save names the seller's store and sets its address and bio (creating it
// for an account that has none); invalid input is the form again (422).
func (h *storeHandlers) save(c *fiber.Ctx) error {
	userID := state(c).session.UserID
	in := models.StoreInput{Name: c.FormValue("name"), Slug: c.FormValue("slug"), Bio: c.FormValue("bio")}
	current, err := h.stores.StoreForUser(c.UserContext(), userID)
	var saved *models.Store
	switch {
	case err == nil:
		saved, err = h.stores.UpdateStore(c.UserContext(), userID, in)
	case models.ErrorCode(err) == models.ENOTFOUND:
		current = nil
		saved, err = h.stores.CreateStore(c.UserContext(), userID, in)
	}
	if models.ErrorCode(err) == models.EINVALID {
		form := views.StoreForm{Input: in, Errors: views.ErrorsOf(err), Current: current}
		return render(c, fiber.StatusUnprocessableEntity, views.StoreSettingsPage(h.page(c, "Your store"), form))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "store_saved")
	return redirect(c, paths.Store(saved.Slug))
}
