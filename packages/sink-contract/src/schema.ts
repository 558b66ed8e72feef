/**
 * The settings' TypeBox schema, composed from the key table (each honoured row's codec schema at its field) and
 * compiled once. `validateSinkSettings` (validate.ts) runs it; a failing field is explained by its row's codec, so
 * the message names the Confluent key.
 */
import { type TSchema, Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { partitionerRows, topLevelRows } from "./key-table";

function objectOf(rows: ReturnType<typeof partitionerRows>, extra: Record<string, TSchema>) {
  const props: Record<string, TSchema> = { ...extra };
  for (const r of rows) {
    if (r.codec) props[(r.field as { field: string }).field] = r.codec.schema;
  }
  return Type.Object(props, { additionalProperties: false });
}

export const PartitionerSchemas = {
  default: Type.Object({ kind: Type.Literal("default") }, { additionalProperties: false }),
  field: objectOf(partitionerRows("field"), { kind: Type.Literal("field") }),
  time: objectOf(partitionerRows("time"), { kind: Type.Literal("time") }),
} as const;

const topLevel: Record<string, TSchema> = {};
for (const r of topLevelRows()) {
  if (r.field === "partitioner") continue;
  if (!r.codec) throw new Error(`sink-contract: honoured key ${r.key} has no codec`);
  topLevel[r.field] = r.absentIsUnset ? Type.Optional(r.codec.schema) : r.codec.schema;
}

export const SinkSettingsSchema = Type.Object(
  {
    ...topLevel,
    partitioner: Type.Union([PartitionerSchemas.default, PartitionerSchemas.field, PartitionerSchemas.time]),
  },
  { additionalProperties: false },
);

export const settingsChecker = TypeCompiler.Compile(SinkSettingsSchema);
export const partitionerCheckers = {
  default: TypeCompiler.Compile(PartitionerSchemas.default),
  field: TypeCompiler.Compile(PartitionerSchemas.field),
  time: TypeCompiler.Compile(PartitionerSchemas.time),
} as const;
