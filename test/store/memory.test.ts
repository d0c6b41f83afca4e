import { memoryStore } from '../../src/store/memory/index.js'
import { describeBatchConformance } from './batch-conformance.js'
import { describeStoreConformance } from './conformance.js'

describeStoreConformance('memory', async () => memoryStore())
describeBatchConformance('memory', async () => memoryStore())
