// Command pgcheck exits 0 when the PostgreSQL in PILAR_TEST_POSTGRES_DSN
// answers, so CI can fail clearly instead of skipping PostgreSQL tests.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	dsn := os.Getenv("PILAR_TEST_POSTGRES_DSN")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "pgcheck: PILAR_TEST_POSTGRES_DSN is not set")
		os.Exit(1)
	}
	db, err := sql.Open("pgx", dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = db.PingContext(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgcheck:", err)
		os.Exit(1)
	}
	fmt.Println("PostgreSQL answers")
}
