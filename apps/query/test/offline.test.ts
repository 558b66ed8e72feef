/** DuckDB runs offline: built-in extensions only, nothing installed or loaded at run time, settings locked. */
import { describe, expect, it } from "vitest";
import { BUILT_IN_EXTENSIONS, openOfflineDuckDB } from "../src/duckdb";

describe("openOfflineDuckDB", () => {
  it("has parquet and json compiled in, with autoinstall and autoload off and locked", async () => {
    const duck = await openOfflineDuckDB();
    try {
      const q = async (sql: string) => (await duck.connection.runAndReadAll(sql)).getRowObjectsJson();
      const settings = await q(
        "SELECT current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS autoload, current_setting('allow_community_extensions') AS community, current_setting('lock_configuration') AS locked",
      );
      expect(settings).toEqual([{ install: false, autoload: false, community: false, locked: true }]);
      const ext = await q(
        "SELECT extension_name AS name, loaded, install_mode AS mode FROM duckdb_extensions() WHERE loaded ORDER BY 1",
      );
      for (const name of BUILT_IN_EXTENSIONS)
        expect(ext).toContainEqual({ name, loaded: true, mode: "STATICALLY_LINKED" });
      expect(ext.map((e) => e.name)).not.toContain("httpfs");
      // Nothing can turn downloading back on...
      await expect(duck.connection.run("SET autoinstall_known_extensions = true")).rejects.toThrow(/locked/i);
      // ...an http(s) path needs httpfs, which is neither loaded nor installable here...
      await expect(
        duck.connection.run("SELECT * FROM read_parquet('https://127.0.0.1:9/x.parquet')"),
      ).rejects.toThrow(/httpfs/i);
      // ...and an explicit LOAD finds nothing in the (empty, private) extension directory.
      await expect(duck.connection.run("LOAD httpfs")).rejects.toThrow();
      const after = await q(
        "SELECT count(*) AS n FROM duckdb_extensions() WHERE loaded AND extension_name = 'httpfs'",
      );
      expect(after).toEqual([{ n: "0" }]);
    } finally {
      await duck.close();
    }
  });
});
