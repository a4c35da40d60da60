package store

// MigrationSteps is how many steps Migrate applies to an empty database:
// the versions are numbered by landing order and need not be contiguous
// while branches are being merged, so tests count steps, not versions.
func MigrationSteps() int { return len(migrations) }
