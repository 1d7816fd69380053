// A small promise wrapper over IndexedDB: one database per app, named object stores,
// get/put/delete/getAll. Each call is one short transaction (no transaction spans an await).

export type Upgrade = (db: IDBDatabase, oldVersion: number) => void;

export class Db {
  private constructor(private readonly db: IDBDatabase) {}

  static open(name: string, version: number, upgrade: Upgrade): Promise<Db> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(name, version);
      req.onupgradeneeded = (ev) => upgrade(req.result, ev.oldVersion);
      req.onsuccess = () => resolve(new Db(req.result));
      req.onerror = () => reject(req.error ?? new Error("IndexedDB could not open"));
      req.onblocked = () => reject(new Error("IndexedDB is blocked by another tab of this app"));
    });
  }

  get<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
    return this.run<T | undefined>(store, "readonly", (s) => s.get(key));
  }

  getAll<T>(store: string): Promise<T[]> {
    return this.run<T[]>(store, "readonly", (s) => s.getAll());
  }

  async put(store: string, value: unknown, key?: IDBValidKey): Promise<void> {
    await this.run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  }

  async delete(store: string, key: IDBValidKey): Promise<void> {
    await this.run(store, "readwrite", (s) => s.delete(key));
  }

  private run<T>(store: string, mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(store, mode);
      const req = op(tx.objectStore(store));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  }
}
