/** Opens the run's database, hands a contract one store on it, and closes the database after. */
export type WithStore<S> = (use: (store: S) => Promise<void>) => Promise<void>;
