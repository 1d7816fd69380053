// The wallet's data, on this phone only (IndexedDB "formdesk-wallet"): the citizen's profile
// (vocabulary key → value), the trusted office keys, and the sharing history. The history
// never holds field values: only who asked, what, the outcome per field and the receipt.

import { Db } from "../shared/db";
import { fromBase64Url } from "../shared/bytes";

export interface TrustedOffice {
  /** base64url of the Ed25519 key (the store's key path). */
  key: string;
  name: string;
  fingerprint: string;
  addedAt: number;
}

export type FieldOutcomeName = "shared" | "declined" | "unavailable";

export interface HistoryField {
  key: string;
  label: string;
  outcome: FieldOutcomeName;
}

export interface HistoryReceipt {
  relayDeletedAt: number;
  fieldsReceived: string[];
  officeRetains: string;
  officeRetentionDays: number;
  issuedAt: number;
  attachedAt: number;
  /** The signed receipt text itself, to show or re-verify later. */
  text: string;
}

export interface HistoryEntry {
  /** 32 hex characters (the store's key path). */
  requestId: string;
  officeName: string;
  officeKey: string;
  deskLabel: string;
  formId: string;
  formTitle: string;
  fields: HistoryField[];
  retention: string;
  retentionDays: number;
  contact: string;
  matchCode: string;
  sharedAt: number;
  receipt?: HistoryReceipt;
}

export type Profile = Record<string, string>;

const KV = "kv";
const OFFICES = "offices";
const HISTORY = "history";

export class WalletStore {
  private constructor(private readonly db: Db) {}

  static async open(): Promise<WalletStore> {
    const db = await Db.open("formdesk-wallet", 1, (d) => {
      if (!d.objectStoreNames.contains(KV)) d.createObjectStore(KV);
      if (!d.objectStoreNames.contains(OFFICES)) d.createObjectStore(OFFICES, { keyPath: "key" });
      if (!d.objectStoreNames.contains(HISTORY)) d.createObjectStore(HISTORY, { keyPath: "requestId" });
    });
    return new WalletStore(db);
  }

  async profile(): Promise<Profile> {
    return (await this.db.get<Profile>(KV, "profile")) ?? {};
  }

  async saveProfile(p: Profile): Promise<void> {
    await this.db.put(KV, p, "profile");
  }

  /** Adds values the citizen typed for keys the profile did not have or had otherwise. */
  async remember(values: Record<string, string>): Promise<string[]> {
    const p = await this.profile();
    const changed = Object.entries(values).filter(([k, v]) => v !== "" && p[k] !== v);
    for (const [k, v] of changed) p[k] = v;
    if (changed.length > 0) await this.saveProfile(p);
    return changed.map(([k]) => k);
  }

  /** A one-time flag of the app ("intro seen"), kept beside the profile. */
  async flag(name: string): Promise<boolean> {
    return (await this.db.get<boolean>(KV, `flag:${name}`)) === true;
  }

  setFlag(name: string): Promise<void> {
    return this.db.put(KV, true, `flag:${name}`);
  }

  offices(): Promise<TrustedOffice[]> {
    return this.db.getAll<TrustedOffice>(OFFICES);
  }

  async trustedKeys(): Promise<Uint8Array[]> {
    return (await this.offices()).map((o) => fromBase64Url(o.key));
  }

  addOffice(o: TrustedOffice): Promise<void> {
    return this.db.put(OFFICES, o);
  }

  removeOffice(key: string): Promise<void> {
    return this.db.delete(OFFICES, key);
  }

  async history(): Promise<HistoryEntry[]> {
    return (await this.db.getAll<HistoryEntry>(HISTORY)).sort((a, b) => b.sharedAt - a.sharedAt);
  }

  historyEntry(requestId: string): Promise<HistoryEntry | undefined> {
    return this.db.get<HistoryEntry>(HISTORY, requestId);
  }

  saveHistory(e: HistoryEntry): Promise<void> {
    return this.db.put(HISTORY, e);
  }
}
