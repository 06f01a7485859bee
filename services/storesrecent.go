package services

import (
	"context"

	"github.com/storefront/storefront/models"
)

// recentStoresWindow bounds the work of RecentStores: only the newest public
// products are looked at, so the query costs the same at any catalogue size.
const recentStoresWindow = 200

// RecentStores returns up to limit stores that listed one of the newest public
// products, the most recently active first (the home page's "a few stores").
// A store with only drafts or deleted products is never among them.
func (s *Stores) RecentStores(ctx context.Context, limit int) ([]models.StoreRef, error) {
	var stores []models.StoreRef
	err := s.db.NewRaw(`SELECT st.name, st.slug FROM stores AS st
		JOIN (SELECT p.seller_id, MAX(p.id) AS newest
			FROM (SELECT p.seller_id, p.id FROM products AS p WHERE `+publicProducts+` ORDER BY p.id DESC LIMIT ?) AS p
			GROUP BY p.seller_id) AS r ON r.seller_id = st.user_id
		ORDER BY r.newest DESC LIMIT ?`, recentStoresWindow, limit).Scan(ctx, &stores)
	if err != nil {
		return nil, dbError("stores: recent stores", err)
	}
	return stores, nil
}
