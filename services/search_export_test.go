package services

import (
	"context"

	"github.com/storefront/storefront/models"
)

// SearchSQL (tests only) is the query SearchProducts runs for q, with its
// arguments written in ("" when it runs none).
func (c *Catalog) SearchSQL(ctx context.Context, q models.ProductQuery) (string, error) {
	plan, err := c.planSearch(ctx, q)
	if err != nil || plan.none {
		return "", err
	}
	return c.db.NewRaw(plan.query.sql, plan.query.args...).String(), nil
}
