"""The explorer: a read-only web app over the warehouse for analysts (`akhbar explore`, `make explore`)."""
