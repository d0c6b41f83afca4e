import { memoryStore } from '../../src/store/memory/index.js'
import { describeStoreConformance } from './conformance.js'

describeStoreConformance('memory', async () => memoryStore())
