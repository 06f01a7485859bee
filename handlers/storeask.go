package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// firstStores is what the new-product form asks of services.Stores: whether
// the seller has a store, and if not, one to suggest.
type firstStores interface {
	StoreForUser(ctx context.Context, userID int64) (*models.Store, error)
	SuggestStore(ctx context.Context, userID int64) (models.StoreInput, error)
}

// newStoreAsk is the new-product form's starting state: for a seller without
// a store, store fields filled with a suggestion.
func newStoreAsk(c *fiber.Ctx, stores firstStores) (views.ProductForm, error) {
	var form views.ProductForm
	if stores == nil {
		return form, nil
	}
	userID := state(c).session.UserID
	_, err := stores.StoreForUser(c.UserContext(), userID)
	if models.ErrorCode(err) != models.ENOTFOUND {
		return form, err // nil: they have a store, nothing to ask
	}
	suggestion, err := stores.SuggestStore(c.UserContext(), userID)
	if err != nil {
		return form, err
	}
	form.AskStore, form.Input.Store = true, &suggestion
	return form, nil
}
