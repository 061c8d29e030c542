-- CreateTable
CREATE TABLE "KeyedAction" (
    "updateId" TEXT NOT NULL,
    "journeyId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "textId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeyedAction_pkey" PRIMARY KEY ("updateId")
);

-- CreateIndex
CREATE INDEX "KeyedAction_journeyId_idx" ON "KeyedAction"("journeyId");

-- AddForeignKey
ALTER TABLE "KeyedAction" ADD CONSTRAINT "KeyedAction_journeyId_fkey" FOREIGN KEY ("journeyId") REFERENCES "Journey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
