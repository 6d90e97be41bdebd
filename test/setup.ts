import { metadataChecks } from "../engine/metadata.js";

// Every map sector the engine patches from its image during the tests is checked against its whole encoding.
metadataChecks.patchedMapSectors = true;
