import {
  decodeDlmMetadata,
  decodeHeader,
  decodeMapSector,
  decodeMetadataBitmap,
  decodeRecord,
  decodeRegionBitmapSector,
  decodeRepositoryMetadata,
  decodeToc,
} from "./codec.js";

/**
 * Every decoder the Cache LU scan (mount and fsck) reads metadata with. The
 * scan takes them as one object so a mount can be handed another reader of
 * the same format (a later format version's, or in tests a deliberately
 * careless one the crash checker must catch); fsck always uses the reference.
 */
export interface MetadataDecoder {
  readonly decodeHeader: typeof decodeHeader;
  readonly decodeToc: typeof decodeToc;
  readonly decodeMetadataBitmap: typeof decodeMetadataBitmap;
  readonly decodeDlmMetadata: typeof decodeDlmMetadata;
  readonly decodeRepositoryMetadata: typeof decodeRepositoryMetadata;
  readonly decodeRegionBitmapSector: typeof decodeRegionBitmapSector;
  readonly decodeRecord: typeof decodeRecord;
  readonly decodeMapSector: typeof decodeMapSector;
}

export const REFERENCE_DECODER: MetadataDecoder = Object.freeze({
  decodeHeader,
  decodeToc,
  decodeMetadataBitmap,
  decodeDlmMetadata,
  decodeRepositoryMetadata,
  decodeRegionBitmapSector,
  decodeRecord,
  decodeMapSector,
});
